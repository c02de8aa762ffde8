"""Serializers of webhooks and their delivery log, and of the CI/CD request bodies."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.choices import DeploymentEnvironment, DeploymentStatus, MetricKind
from inventory.models import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "DeploymentReportSerializer",
    "MetricsSerializer",
    "PromotionSerializer",
    "WebhookAttemptSerializer",
    "WebhookDeliverySerializer",
    "WebhookSerializer",
]


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


# --------------------------------------------------------------------------------------
# Attach metrics
# --------------------------------------------------------------------------------------
class MetricsSerializer(serializers.Serializer):
    metrics = serializers.DictField(child=serializers.FloatField(), allow_empty=False,
                                    help_text='Metric name → number, e.g. {"auc": 0.81}.')
    kind = serializers.ChoiceField(choices=MetricKind.choices, default=MetricKind.PERFORMANCE)
    deployment = serializers.IntegerField(required=False, allow_null=True)
    observed_at = serializers.DateTimeField(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --------------------------------------------------------------------------------------
# Request promotion (or any stage change the state machine allows)
# --------------------------------------------------------------------------------------
class PromotionSerializer(serializers.Serializer):
    to_stage = serializers.CharField(help_text="Target stage, e.g. staging or production.")
    reason = serializers.CharField(max_length=500, help_text="Why; kept in the history.")


# --------------------------------------------------------------------------------------
# Report a deployment
# --------------------------------------------------------------------------------------
class DeploymentReportSerializer(serializers.Serializer):
    model_version = serializers.IntegerField()
    environment = serializers.ChoiceField(choices=DeploymentEnvironment.choices)
    region = serializers.CharField(required=False, allow_blank=True, max_length=40)
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    endpoint = serializers.CharField(required=False, allow_blank=True, max_length=500)
    status = serializers.ChoiceField(choices=DeploymentStatus.choices,
                                     default=DeploymentStatus.ACTIVE)
    deployed_at = serializers.DateTimeField(required=False, allow_null=True)
    replicas = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                        max_value=1_000_000)
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
