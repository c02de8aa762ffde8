"""Dashboard routes of the governance app, under /governance/."""

from django.urls import path

from governance.views import approvals, minimisation

app_name = "governance"

urlpatterns = [
    path("approvals/", approvals.ApprovalRequestListView.as_view(),
         name="approvalrequest_list"),
    path("approvals/<int:pk>/", approvals.ApprovalRequestDetailView.as_view(),
         name="approvalrequest_detail"),
    path("models/<int:model_pk>/request-approval/", approvals.ApprovalRequestCreateView.as_view(),
         name="approvalrequest_add"),
    path("approval-policies/", approvals.ApprovalPolicyListView.as_view(),
         name="approvalpolicy_list"),
    path("minimisation-rules/", minimisation.MinimisationRuleListView.as_view(),
         name="minimisationrule_list"),
    path("minimisation-findings/", minimisation.MinimisationFindingListView.as_view(),
         name="minimisationfinding_list"),
]
