"""API views of retention: policies and legal holds (configuration, written through
`inventory.services.retention`) and purge records (read-only evidence written by the purge job).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from core.audit import audit_context
from inventory.api.serializers.retention import (
    LegalHoldSerializer,
    PurgeRecordSerializer,
    ReleaseSerializer,
    RetentionPolicySerializer,
)
from inventory.models import LegalHold, PurgeRecord, RetentionPolicy
from inventory.services import retention

__all__ = [
    "LegalHoldViewSet",
    "PurgeRecordViewSet",
    "RetentionPolicyViewSet",
]


class PurgeRecordViewSet(RestrictedReadOnlyViewSet):
    """Artifacts removed by the retention purge (append-only evidence)."""

    queryset = PurgeRecord.objects.all()
    serializer_class = PurgeRecordSerializer
    filterset_fields = ["model_version", "dataset_version", "policy", "job_run"]
    ordering_fields = ["purged_at"]


class RetentionPolicyViewSet(GovernedViewSet):
    """How long artifacts are kept, per asset type and regulation."""

    queryset = RetentionPolicy.objects.all()
    serializer_class = RetentionPolicySerializer
    filterset_fields = ["asset_type", "regulation", "stage", "active"]
    ordering_fields = ["name", "retain_days"]
    create_service = staticmethod(retention.retention_policy_create)
    update_service = staticmethod(retention.retention_policy_update)
    delete_service = staticmethod(retention.retention_policy_delete)
    instance_argument = "policy"


class LegalHoldViewSet(GovernedViewSet):
    """Legal holds: what they cover is never purged until they are released."""

    queryset = LegalHold.objects.all()
    serializer_class = LegalHoldSerializer
    filterset_fields = ["model", "model_version", "dataset", "dataset_version"]
    ordering_fields = ["created_at", "reference"]
    create_service = staticmethod(retention.legal_hold_place)
    update_service = staticmethod(retention.legal_hold_update)
    delete_service = staticmethod(retention.legal_hold_delete)
    instance_argument = "hold"
    permission_action: str | None = None

    @action(detail=True, methods=["post"], serializer_class=ReleaseSerializer,
            permission_action="change")
    def release(self, request, pk=None):
        """Release the hold (`{"reason": "..."}`); the release is in the hold's history."""
        hold = self.get_object()
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        with audit_context(user=request.user, reason=reason):
            try:
                hold = retention.legal_hold_release(hold=hold, actor=request.user, reason=reason)
            except ValidationError as error:
                from core.api.errors import Conflict

                if hasattr(error, "error_dict"):
                    raise
                raise Conflict(" ".join(error.messages)) from error
        return Response(LegalHoldSerializer(hold, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)
