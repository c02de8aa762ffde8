"""API of monitoring requirements (what deployed models must report) and health findings."""

from __future__ import annotations

from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from monitoring.api.serializers.health import (
    HealthFindingSerializer,
    MonitoringRequirementSerializer,
)
from monitoring.filters import HealthFindingFilterSet, MonitoringRequirementFilterSet
from monitoring.models import HealthFinding, MonitoringRequirement

__all__ = ["HealthFindingViewSet", "MonitoringRequirementViewSet"]


class MonitoringRequirementViewSet(GovernedViewSet):
    """Expected reporting interval and required metrics, per risk tier or per model."""

    queryset = MonitoringRequirement.objects.all()
    serializer_class = MonitoringRequirementSerializer
    filterset_class = MonitoringRequirementFilterSet
    ordering_fields = ["risk_tier", "expected_interval_minutes"]


class HealthFindingViewSet(RestrictedReadOnlyViewSet):
    """Monitoring-coverage findings, raised and resolved by the health check job only."""

    queryset = HealthFinding.objects.all()
    serializer_class = HealthFindingSerializer
    filterset_class = HealthFindingFilterSet
    ordering_fields = ["created_at", "resolved_at", "problem"]
