"""Dashboard routes of the governance app, under /governance/."""

from django.urls import path

from governance.views import approvals, audit, minimisation
from governance.views.compliance import (
    ComplianceOverviewView,
    ComplianceRecomputeView,
    ComplianceStatusListView,
    GapListView,
)
from governance.views.reconciliation import (
    FindingDetailView,
    FindingListView,
    ListingUploadView,
    ReconciliationRunView,
)
from governance.views.regulations import FrameworkDetailView, FrameworkListView
from governance.views.reports import (
    ReportDownloadView,
    ReportGenerateView,
    ReportListView,
    ReportScheduleDeleteView,
    ReportScheduleEditView,
)

app_name = "governance"

urlpatterns = [
    path("audit-trail/", audit.AuditTrailView.as_view(), name="auditevent_list"),
    path("findings/", FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", FindingDetailView.as_view(), name="finding_detail"),
    path("reconciliation/run/", ReconciliationRunView.as_view(), name="reconciliation_run"),
    path("reconciliation/listings/upload/", ListingUploadView.as_view(), name="listing_upload"),
    path("reports/", ReportListView.as_view(), name="report_list"),
    path("reports/new/<slug:key>/", ReportGenerateView.as_view(), name="report_generate"),
    path("reports/<int:pk>/download/", ReportDownloadView.as_view(), name="report_download"),
    path("reports/schedules/<int:pk>/edit/", ReportScheduleEditView.as_view(),
         name="reportschedule_edit"),
    path("reports/schedules/<int:pk>/delete/", ReportScheduleDeleteView.as_view(),
         name="reportschedule_delete"),
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
    path("compliance/", ComplianceOverviewView.as_view(), name="compliance"),
    path("compliance/statuses/", ComplianceStatusListView.as_view(), name="status_list"),
    path("compliance/gaps/", GapListView.as_view(), name="gap_list"),
    path("compliance/recompute/", ComplianceRecomputeView.as_view(), name="compliance_recompute"),
    path("frameworks/", FrameworkListView.as_view(), name="framework_list"),
    path("frameworks/<int:pk>/", FrameworkDetailView.as_view(), name="framework_detail"),
]
