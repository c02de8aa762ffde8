"""Compliance statuses in the API: read-only, written by the recompute (signals and the
scheduled job), each with its named gaps."""

from __future__ import annotations

from core.api.filtering import StrictFilterBackend
from core.api.viewsets import RestrictedReadOnlyViewSet
from governance.api.serializers.compliance import ComplianceAssessmentSerializer
from governance.filters import ComplianceAssessmentFilterSet
from governance.models import ComplianceAssessment

__all__ = ["ComplianceStatusViewSet"]


class ComplianceStatusViewSet(RestrictedReadOnlyViewSet):
    """Each model's status per framework (those in force; `superseded=true` for earlier
    ones), with the framework version it was made against and its gaps."""

    queryset = ComplianceAssessment.objects.all()
    serializer_class = ComplianceAssessmentSerializer
    filterset_class = ComplianceAssessmentFilterSet
    filter_backends = [StrictFilterBackend]
