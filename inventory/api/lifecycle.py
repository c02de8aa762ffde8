"""API of issue 4's lifecycle records: deployments, metrics, retention, legal holds,
deprecation rules/schedules/notices, webhooks and their delivery log.

Evidence (deployments, metrics, notices, purge records, deliveries) is read-only here:
deployments and metrics are written by pipelines through `/api/v1/cicd/...`, the rest by
the jobs. Configuration records go through their services like every other write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import GovernedSerializer
from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from core.audit import audit_context
from inventory.models import (
    Dataset,
    DatasetVersion,
    Deployment,
    DeprecationNotice,
    DeprecationRule,
    DeprecationSchedule,
    LegalHold,
    MetricObservation,
    MLModel,
    ModelVersion,
    PurgeRecord,
    RetentionPolicy,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from inventory.services import deprecation, retention, webhooks

__all__ = [
    "DeploymentSerializer",
    "DeploymentViewSet",
    "DeprecationNoticeViewSet",
    "DeprecationRuleViewSet",
    "DeprecationScheduleViewSet",
    "LegalHoldViewSet",
    "MetricObservationSerializer",
    "MetricObservationViewSet",
    "PurgeRecordViewSet",
    "RetentionPolicyViewSet",
    "WebhookDeliveryViewSet",
    "WebhookViewSet",
]


# --------------------------------------------------------------------------------------
# Evidence (read-only)
# --------------------------------------------------------------------------------------
class DeploymentSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Deployment
        fields = ["id", "model_version", "model_name", "version", "environment", "region",
                  "segment", "endpoint", "status", "deployed_at", "reported_by", "created_at",
                  "updated_at"]
        read_only_fields = fields


class DeploymentViewSet(RestrictedReadOnlyViewSet):
    """Where model versions run (reported by CI/CD through `cicd/deployments/`)."""

    queryset = Deployment.objects.all()
    serializer_class = DeploymentSerializer
    filterset_fields = ["model_version", "environment", "region", "segment", "status"]
    ordering_fields = ["deployed_at", "environment", "status"]


class MetricObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricObservation
        fields = ["id", "model_version", "deployment", "name", "kind", "value", "observed_at",
                  "source", "created_at"]
        read_only_fields = fields


class MetricObservationViewSet(RestrictedReadOnlyViewSet):
    """Measured performance, drift, latency, resources and usage of versions."""

    queryset = MetricObservation.objects.all()
    serializer_class = MetricObservationSerializer
    filterset_fields = ["model_version", "deployment", "name", "kind"]
    ordering_fields = ["observed_at", "name", "value"]


class PurgeRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurgeRecord
        fields = ["id", "model_version", "dataset_version", "artifact_uri", "storage_name",
                  "size", "policy", "retained_until", "job_run", "actor", "purged_at"]
        read_only_fields = fields


class PurgeRecordViewSet(RestrictedReadOnlyViewSet):
    """Artifacts removed by the retention purge (append-only evidence)."""

    queryset = PurgeRecord.objects.all()
    serializer_class = PurgeRecordSerializer
    filterset_fields = ["model_version", "dataset_version", "policy", "job_run"]
    ordering_fields = ["purged_at"]


class DeprecationNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeprecationNotice
        fields = ["id", "model_version", "trigger", "target_stage", "rule", "reason",
                  "recipients", "effective_on", "status", "outcome", "job_run", "notified_at",
                  "closed_at"]
        read_only_fields = fields


class DeprecationNoticeViewSet(RestrictedReadOnlyViewSet):
    """Notices sent to owners before an automatic deprecation or archival."""

    queryset = DeprecationNotice.objects.all()
    serializer_class = DeprecationNoticeSerializer
    filterset_fields = ["model_version", "trigger", "target_stage", "status"]
    ordering_fields = ["notified_at", "effective_on"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "attempted_at", "response_status", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "webhook", "delivery_id", "event", "payload", "status", "attempts",
                  "next_attempt_at", "last_response_status", "last_error", "created_at",
                  "completed_at", "attempt_log"]
        read_only_fields = fields


class WebhookDeliveryViewSet(RestrictedReadOnlyViewSet):
    """The delivery log: every event sent to every webhook, with each HTTP attempt."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliverySerializer
    filterset_fields = ["webhook", "event", "status"]
    ordering_fields = ["created_at"]


# --------------------------------------------------------------------------------------
# Configuration (through services)
# --------------------------------------------------------------------------------------
class _ServiceViewSet(GovernedViewSet):
    """Writes go to `create`/`update`/`delete` functions named on the class."""

    create_service = staticmethod(lambda **kwargs: None)
    update_service = staticmethod(lambda **kwargs: None)
    delete_service = staticmethod(lambda **kwargs: None)
    instance_argument = "instance"

    def create_object(self, data: dict, *, reason: str):
        return self.create_service(actor=self.request.user, reason=reason, data=data)

    def update_object(self, instance, data: dict, *, reason: str):
        return self.update_service(**{self.instance_argument: instance},
                                   actor=self.request.user, reason=reason, data=data)

    def delete_object(self, instance, *, reason: str) -> None:
        self.delete_service(**{self.instance_argument: instance}, actor=self.request.user,
                            reason=reason)


class RetentionPolicySerializer(GovernedSerializer):
    class Meta:
        model = RetentionPolicy
        fields = ["id", "name", "asset_type", "regulation", "stage", "retain_days",
                  "description", "active", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class RetentionPolicyViewSet(_ServiceViewSet):
    """How long artifacts are kept, per asset type and regulation."""

    queryset = RetentionPolicy.objects.all()
    serializer_class = RetentionPolicySerializer
    filterset_fields = ["asset_type", "regulation", "stage", "active"]
    ordering_fields = ["name", "retain_days"]
    create_service = staticmethod(retention.retention_policy_create)
    update_service = staticmethod(retention.retention_policy_update)
    delete_service = staticmethod(retention.retention_policy_delete)
    instance_argument = "policy"


class LegalHoldSerializer(GovernedSerializer):
    placed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = LegalHold
        fields = ["id", "reference", "reason", "model", "model_version", "dataset",
                  "dataset_version", "placed_by", "active", "released_at", "release_reason",
                  "created_at", "updated_at", "change_reason"]
        read_only_fields = ["released_at", "release_reason", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Holds are placed on what the user may see (NetBox: restricted FK choices).
            fields["model"].queryset = MLModel.objects.restrict(request.user, "view")
            fields["model_version"].queryset = ModelVersion.objects.restrict(request.user, "view")
            fields["dataset"].queryset = Dataset.objects.restrict(request.user, "view")
            fields["dataset_version"].queryset = DatasetVersion.objects.restrict(
                request.user, "view")
        return fields


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the hold is released.")


class LegalHoldViewSet(_ServiceViewSet):
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


class DeprecationRuleSerializer(GovernedSerializer):
    class Meta:
        model = DeprecationRule
        fields = ["id", "name", "model", "metric", "direction", "threshold", "consecutive",
                  "notice_days", "active", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class DeprecationRuleViewSet(_ServiceViewSet):
    """Performance-decay triggers: a metric past a threshold N times in a row."""

    queryset = DeprecationRule.objects.all()
    serializer_class = DeprecationRuleSerializer
    filterset_fields = ["model", "metric", "active"]
    ordering_fields = ["name"]
    create_service = staticmethod(deprecation.deprecation_rule_create)
    update_service = staticmethod(deprecation.deprecation_rule_update)
    delete_service = staticmethod(deprecation.deprecation_rule_delete)
    instance_argument = "rule"


class DeprecationScheduleSerializer(GovernedSerializer):
    class Meta:
        model = DeprecationSchedule
        fields = ["id", "model_version", "deprecate_on", "archive_on", "validation_expires_on",
                  "approval_expires_on", "notice_days", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model_version"].queryset = ModelVersion.objects.restrict(request.user, "view")
        return fields


class DeprecationScheduleViewSet(_ServiceViewSet):
    """Planned deprecation/archival dates and validation/approval expiry per version."""

    queryset = DeprecationSchedule.objects.all()
    serializer_class = DeprecationScheduleSerializer
    filterset_fields = ["model_version"]
    ordering_fields = ["deprecate_on", "archive_on", "validation_expires_on"]
    create_service = staticmethod(deprecation.deprecation_schedule_create)
    update_service = staticmethod(deprecation.deprecation_schedule_update)
    delete_service = staticmethod(deprecation.deprecation_schedule_delete)
    instance_argument = "schedule"


class WebhookSerializer(GovernedSerializer):
    secret = serializers.CharField(write_only=True, required=False, min_length=16,
                                   max_length=200,
                                   help_text="Signing secret; generated when left out. Never "
                                             "shown again: keep it when you set it.")

    class Meta:
        model = Webhook
        fields = ["id", "name", "url", "secret", "events", "active", "max_attempts",
                  "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class WebhookViewSet(_ServiceViewSet):
    """Receivers of registry events, signed with HMAC-SHA256 (README: webhooks)."""

    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    filterset_fields = ["active"]
    ordering_fields = ["name"]
    create_service = staticmethod(webhooks.webhook_create)
    update_service = staticmethod(webhooks.webhook_update)
    delete_service = staticmethod(webhooks.webhook_delete)
    instance_argument = "webhook"

    def create(self, request, *args, **kwargs):
        """The secret is shown once, in the answer to its creation (write-only after)."""
        response = super().create(request, *args, **kwargs)
        response.data["secret"] = Webhook.objects.get(pk=response.data["id"]).secret
        return response
