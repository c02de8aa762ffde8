"""API views of metric ingestion (batches) and the roll-ups that serve every read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import RestrictedReadOnlyViewSet
from monitoring.api.serializers.metrics import (
    MetricBatchRequestSerializer,
    MetricBatchSerializer,
    MetricRollupSerializer,
)
from monitoring.filters import MetricBatchFilterSet, MetricRollupFilterSet
from monitoring.models import MetricBatch, MetricRollup
from monitoring.services.ingestion import metric_batch_ingest

__all__ = ["MetricBatchViewSet", "MetricRollupViewSet"]


class ReportRightPermission(CustodiaPermission):
    """Posting a batch needs no model permission: the ingestion service checks the right to
    report metrics of every model the batch names (team membership or the grant)."""

    def has_permission(self, request, view) -> bool:
        if request.method == "POST":
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class MetricBatchViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """`POST` up to 10,000 observations at once (all stored, or none with each bad row named);
    `GET` the receipts of the batches you sent (auditors: all)."""

    queryset = MetricBatch.objects.all()
    serializer_class = MetricBatchSerializer
    filterset_class = MetricBatchFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [ReportRightPermission]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=MetricBatchRequestSerializer, responses=MetricBatchSerializer)
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = metric_batch_ingest(actor=request.user,
                                    rows=serializer.validated_data["observations"],
                                    source=serializer.validated_data.get("source", ""))
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)


class MetricRollupViewSet(RestrictedReadOnlyViewSet):
    """Hourly and daily aggregates (count, mean, minimum, maximum) of the observations:
    what charts and trends read, whatever the number of raw points."""

    queryset = MetricRollup.objects.all()
    serializer_class = MetricRollupSerializer
    filterset_class = MetricRollupFilterSet
    filter_backends = [StrictFilterBackend]
