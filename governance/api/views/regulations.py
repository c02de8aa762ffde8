"""Frameworks and requirements in the API: read by every role, kept by compliance officers
through the regulations services (a requirement in use changes as a new revision; one
cited by assessments cannot be deleted: 409)."""

from __future__ import annotations

from core.api.filtering import StrictFilterBackend
from core.api.viewsets import GovernedViewSet
from governance.api.serializers.regulations import (
    RegulatoryFrameworkSerializer,
    RequirementSerializer,
)
from governance.filters import RegulatoryFrameworkFilterSet, RequirementFilterSet
from governance.models import RegulatoryFramework, Requirement
from governance.services import regulations

__all__ = ["RegulatoryFrameworkViewSet", "RequirementViewSet"]


class RegulatoryFrameworkViewSet(GovernedViewSet):
    """Regulatory frameworks with their current version (creating one starts version 1)."""

    queryset = RegulatoryFramework.objects.all()
    serializer_class = RegulatoryFrameworkSerializer
    filterset_class = RegulatoryFrameworkFilterSet
    filter_backends = [StrictFilterBackend]
    create_service = staticmethod(regulations.framework_create)
    delete_service = staticmethod(regulations.framework_delete)
    instance_argument = "framework"


class RequirementViewSet(GovernedViewSet):
    """Requirements at every revision (`is_current=true` for those in force)."""

    queryset = Requirement.objects.all()
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet
    filter_backends = [StrictFilterBackend]
    create_service = staticmethod(regulations.requirement_create)
    update_service = staticmethod(regulations.requirement_update)
    delete_service = staticmethod(regulations.requirement_delete)
    instance_argument = "requirement"
