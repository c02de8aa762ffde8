"""API views of the platform's records: job runs and the access log (read-only)."""

from __future__ import annotations

from core.api import serializers
from core.api.viewsets import RestrictedReadOnlyViewSet
from core.filters import AccessEventFilterSet, JobRunFilterSet
from core.models import AccessEvent, JobRun

__all__ = ["AccessEventViewSet", "JobRunViewSet"]


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
