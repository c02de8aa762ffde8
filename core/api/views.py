"""API views of the platform's records: job runs and the access log (read-only), and
explicit denials (created and lifted through the denial service)."""

from __future__ import annotations

from core.api import serializers
from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from core.filters import AccessEventFilterSet, JobRunFilterSet, PermissionDenialFilterSet
from core.models import AccessEvent, JobRun, PermissionDenial
from core.services.access import denial_target_resolve, permission_denial_create, permission_denial_lift

__all__ = ["AccessEventViewSet", "JobRunViewSet", "PermissionDenialViewSet"]


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


class PermissionDenialViewSet(GovernedViewSet):
    """Explicit denials of one action on one record to a user, a role or a team. They win
    over roles and grants; DELETE lifts one (`?change_reason=` says why)."""

    queryset = PermissionDenial.objects.all()
    serializer_class = serializers.PermissionDenialSerializer
    filterset_class = PermissionDenialFilterSet
    ordering_fields = ["created_at", "action"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_object(self, data: dict, *, reason: str):
        record = denial_target_resolve(content_type=data["content_type"],
                                       object_id=data.get("object_id", ""), actor=self.request.user)
        return permission_denial_create(
            obj=record, action=data.get("action", ""), actor=self.request.user,
            reason=data.get("reason", ""), user=data.get("user"), group=data.get("group"),
            team=data.get("team"), change_reason=reason if self._reason(None) else "")

    def delete_object(self, instance, *, reason: str) -> None:
        permission_denial_lift(denial=instance, actor=self.request.user,
                               reason=self.request.query_params.get("change_reason")
                               or "Lifted through the API")
