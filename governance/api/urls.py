"""Governance routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from governance.api.views.compliance import ComplianceStatusViewSet
from governance.api.views.regulations import (
    FrameworkVersionViewSet,
    RegulatoryFrameworkViewSet,
    RequirementViewSet,
)

app_name = "governance-api"

router = SimpleRouter()
router.register("frameworks", RegulatoryFrameworkViewSet)
router.register("framework-versions", FrameworkVersionViewSet)
router.register("requirements", RequirementViewSet)
router.register("compliance-status", ComplianceStatusViewSet, basename="compliancestatus")

urlpatterns = [
    *router.urls,
]
