"""Frameworks and requirements in the API: read by every role, kept by compliance officers
through the regulations services (a requirement in use changes as a new revision; one
cited by assessments cannot be deleted: 409)."""

from __future__ import annotations

from core.api.filtering import StrictFilterBackend
from core.api.viewsets import GovernedViewSet
from governance.api.serializers.regulations import (
    FrameworkVersionWriteSerializer,
    RegulatoryFrameworkSerializer,
    RequirementSerializer,
)
from governance.filters import (
    FrameworkVersionFilterSet,
    RegulatoryFrameworkFilterSet,
    RequirementFilterSet,
)
from governance.models import FrameworkVersion, RegulatoryFramework, Requirement
from governance.services import regulations

__all__ = ["FrameworkVersionViewSet", "RegulatoryFrameworkViewSet", "RequirementViewSet"]


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


class FrameworkVersionViewSet(GovernedViewSet):
    """Versions of each framework; creating one makes it current with the previous
    version's requirements; one that assessments cite cannot be deleted (409)."""

    queryset = FrameworkVersion.objects.select_related("framework")
    serializer_class = FrameworkVersionWriteSerializer
    filterset_class = FrameworkVersionFilterSet
    filter_backends = [StrictFilterBackend]
    create_service = staticmethod(regulations.framework_version_create)
    update_service = staticmethod(regulations.framework_version_update)
    delete_service = staticmethod(regulations.framework_version_delete)
    instance_argument = "version"
