"""Governance routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from governance.api.views.compliance import ComplianceStatusViewSet
from governance.api.views.regulations import RegulatoryFrameworkViewSet, RequirementViewSet

app_name = "governance-api"

router = SimpleRouter()
router.register("frameworks", RegulatoryFrameworkViewSet)
router.register("requirements", RequirementViewSet)
router.register("compliance-status", ComplianceStatusViewSet, basename="compliancestatus")

urlpatterns = [
    *router.urls,
]
