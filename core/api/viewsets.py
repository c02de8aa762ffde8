"""Base viewsets: restricted querysets, writes through services inside an audit context."""

from __future__ import annotations

from django.db import transaction
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from core.audit import audit_context
from core.permissions import user_can
from core.services.records import record_create, record_delete, record_update


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and reads only the rows the user may view, in the model's `for_list()` shape."""

    def get_queryset(self):
        queryset = self.queryset.all()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        restrict = getattr(queryset, "restrict", None)
        if restrict is None:
            from core.permissions import restrict_queryset

            queryset = restrict_queryset(queryset, self.request.user, "view")
        else:
            queryset = restrict(self.request.user, "view")
        for_list = getattr(queryset, "for_list", None)
        return for_list() if for_list else queryset


class GovernedViewSet(RestrictedReadOnlyViewSet, viewsets.ModelViewSet):
    """Create/update/delete through the `create_object`/`update_object`/`delete_object`
    hooks (which call services), in one transaction, with the request's user and reason."""

    # DELETE takes its reason from the query string; the strict filter backend must accept it.
    extra_query_parameters = ("change_reason",)

    def _reason(self, serializer=None, default: str = "") -> str:
        data = serializer.validated_data if serializer is not None else self.request.data
        return (data.get("change_reason") if hasattr(data, "get") else "") or default

    def perform_create(self, serializer) -> None:
        reason = self._reason(serializer, "Created through the API")
        serializer.validated_data.pop("change_reason", None)
        with transaction.atomic(), audit_context(user=self.request.user, reason=reason):
            serializer.instance = self.create_object(serializer.validated_data, reason=reason)
            self._require(serializer.instance, "view")

    def perform_update(self, serializer) -> None:
        reason = self._reason(serializer, "Changed through the API")
        serializer.validated_data.pop("change_reason", None)
        with transaction.atomic(), audit_context(user=self.request.user, reason=reason):
            serializer.instance = self.update_object(
                serializer.instance, serializer.validated_data, reason=reason)
            self._require(serializer.instance, "change")

    def perform_destroy(self, instance) -> None:
        reason = self.request.query_params.get("change_reason") or "Deleted through the API"
        with transaction.atomic(), audit_context(user=self.request.user, reason=reason):
            self.delete_object(instance, reason=reason)

    def _require(self, instance, action: str) -> None:
        """A write must leave the row within what the user may see/change (NetBox's rule)."""
        if not user_can(self.request.user, action, instance):
            raise PermissionDenied("The result of this change would be outside your permissions.")

    # Hooks: by default the generic record services. A resource with rules across rows names
    # its services (`create_service`, `update_service`, `delete_service`, called with `actor`,
    # `reason`, `data` and the record as `instance_argument`), or overrides the hooks when its
    # services take other arguments.
    create_service = None
    update_service = None
    delete_service = None
    instance_argument = "instance"

    def create_object(self, data: dict, *, reason: str):
        if self.create_service is not None:
            return self.create_service(actor=self.request.user, reason=reason, data=data)
        return record_create(model_class=self.get_serializer().Meta.model,
                             actor=self.request.user, reason=reason, data=data)

    def update_object(self, instance, data: dict, *, reason: str):
        if self.update_service is not None:
            return self.update_service(**{self.instance_argument: instance},
                                       actor=self.request.user, reason=reason, data=data)
        return record_update(instance=instance, actor=self.request.user, reason=reason, data=data)

    def delete_object(self, instance, *, reason: str) -> None:
        if self.delete_service is not None:
            self.delete_service(**{self.instance_argument: instance}, actor=self.request.user,
                                reason=reason)
            return
        record_delete(instance=instance, actor=self.request.user, reason=reason)
