"""API views of thresholds, retraining alerts and the retraining priority."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from inventory.models import MLModel
from monitoring.api.serializers.alerts import (
    AcknowledgeSerializer,
    MetricThresholdSerializer,
    PriorityListSerializer,
    PriorityRowSerializer,
    RetrainingAlertSerializer,
)
from monitoring.filters import MetricThresholdFilterSet, RetrainingAlertFilterSet
from monitoring.models import MetricThreshold, RetrainingAlert
from monitoring.selectors.priority import retraining_priorities
from monitoring.services.alerts import retraining_alert_acknowledge
from monitoring.services.thresholds import (
    metric_threshold_create,
    metric_threshold_delete,
    metric_threshold_update,
)

__all__ = ["MetricThresholdViewSet", "RetrainingAlertViewSet", "RetrainingPriorityView"]


class MetricThresholdViewSet(GovernedViewSet):
    """When a metric counts as degraded, per model or by default per risk tier."""

    queryset = MetricThreshold.objects.all()
    serializer_class = MetricThresholdSerializer
    filterset_class = MetricThresholdFilterSet
    filter_backends = [StrictFilterBackend]
    create_service = staticmethod(metric_threshold_create)
    update_service = staticmethod(metric_threshold_update)
    delete_service = staticmethod(metric_threshold_delete)
    instance_argument = "threshold"


class RetrainingAlertViewSet(RestrictedReadOnlyViewSet):
    """Degradation alerts raised by the scheduled check; the owner acknowledges them."""

    queryset = RetrainingAlert.objects.all()
    serializer_class = RetrainingAlertSerializer
    filterset_class = RetrainingAlertFilterSet
    filter_backends = [StrictFilterBackend]

    @extend_schema(request=AcknowledgeSerializer, responses=RetrainingAlertSerializer)
    # The alert must be visible (else 404); the service decides who may acknowledge (403).
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def acknowledge(self, request, pk=None):
        """Say someone is on it (the model's owner, its team, or a monitoring manager)."""
        alert = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = retraining_alert_acknowledge(
            alert=alert, actor=request.user, note=body.validated_data.get("note", ""),
            reason=body.validated_data.get("change_reason") or "Acknowledged through the API")
        return Response(RetrainingAlertSerializer(alert).data)


class RetrainingPriorityView(APIView):
    """Models in service ranked by retraining priority, with each part of the score."""

    permission_classes = [CustodiaPermission]
    queryset = MLModel.objects.all()

    @extend_schema(responses=PriorityListSerializer)
    def get(self, request):
        rows = retraining_priorities(user=request.user)
        return Response({"count": len(rows),
                         "results": PriorityRowSerializer(rows, many=True).data})
