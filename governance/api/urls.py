"""Governance routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from governance.api.views.approvals import ApprovalRequestViewSet
from governance.api.views.audit import AuditEventViewSet
from governance.api.views.compliance import ComplianceStatusViewSet
from governance.api.views.minimisation import MinimisationRuleViewSet
from governance.api.views.reconciliation import (
    FindingViewSet,
    RealityListingViewSet,
    ReconciliationRunView,
)
from governance.api.views.regulations import (
    FrameworkVersionViewSet,
    RegulatoryFrameworkViewSet,
    RequirementViewSet,
)
from governance.api.views.reports import ReportViewSet

app_name = "governance-api"

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("findings", FindingViewSet)
router.register("reality-listings", RealityListingViewSet)
router.register("reports", ReportViewSet)
router.register("approval-requests", ApprovalRequestViewSet)
router.register("minimisation-rules", MinimisationRuleViewSet)
router.register("frameworks", RegulatoryFrameworkViewSet)
router.register("framework-versions", FrameworkVersionViewSet)
router.register("requirements", RequirementViewSet)
router.register("compliance-status", ComplianceStatusViewSet, basename="compliancestatus")

urlpatterns = [
    path("reconciliation/run", ReconciliationRunView.as_view(), name="reconciliation-run"),
    *router.urls,
]
