"""API views of deployments and metric observations: read-only here, written by pipelines
through `/api/v1/cicd/...`.
"""

from __future__ import annotations

from core.api.viewsets import RestrictedReadOnlyViewSet
from inventory.api.serializers.deployments import DeploymentSerializer, MetricObservationSerializer
from inventory.models import Deployment, MetricObservation

__all__ = [
    "DeploymentViewSet",
    "MetricObservationViewSet",
]


class DeploymentViewSet(RestrictedReadOnlyViewSet):
    """Where model versions run (reported by CI/CD through `cicd/deployments/`)."""

    queryset = Deployment.objects.all()
    serializer_class = DeploymentSerializer
    filterset_fields = ["model_version", "environment", "region", "segment", "status"]
    ordering_fields = ["deployed_at", "environment", "status"]


class MetricObservationViewSet(RestrictedReadOnlyViewSet):
    """Measured performance, drift, latency, resources and usage of versions."""

    queryset = MetricObservation.objects.all()
    serializer_class = MetricObservationSerializer
    filterset_fields = ["model_version", "deployment", "name", "kind"]
    ordering_fields = ["observed_at", "name", "value"]
