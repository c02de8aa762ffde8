"""API views of the inventory app."""

from inventory.api import serializers
from inventory.base.api.viewsets import RestrictedReadOnlyViewSet
from inventory.filters import AccessEventFilterSet, JobRunFilterSet
from inventory.models import AccessEvent, JobRun


class JobRunViewSet(RestrictedReadOnlyViewSet):
    """Background job runs with status, progress and log."""

    queryset = JobRun.objects.all()
    serializer_class = serializers.JobRunSerializer
    filterset_class = JobRunFilterSet
    ordering_fields = ["created_at", "name", "status"]


class AccessEventViewSet(RestrictedReadOnlyViewSet):
    """Who viewed, downloaded, exported or searched what (append-only)."""

    queryset = AccessEvent.objects.select_related("content_type")
    serializer_class = serializers.AccessEventSerializer
    filterset_class = AccessEventFilterSet
    ordering_fields = ["occurred_at", "actor", "action"]
