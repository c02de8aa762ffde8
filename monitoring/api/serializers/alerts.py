"""API shapes of thresholds, retraining alerts and the retraining priority."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from core.permissions import restrict_queryset
from inventory.models import MLModel
from monitoring.models import MetricThreshold, RetrainingAlert

__all__ = [
    "AcknowledgeSerializer",
    "MetricThresholdSerializer",
    "PriorityListSerializer",
    "PriorityRowSerializer",
    "RetrainingAlertSerializer",
]


class MetricThresholdSerializer(GovernedSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True, default=None,
                                       allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A threshold may name only a model the writer can see (an unseen one is "invalid").
        request = self.context.get("request")
        if request is not None and "model" in self.fields:
            self.fields["model"].queryset = restrict_queryset(MLModel.objects.all(),
                                                              request.user, "view")

    class Meta:
        model = MetricThreshold
        fields = ["id", "model", "model_name", "risk_tier", "metric", "direction", "limit",
                  "baseline_tolerance", "decay_after_days", "active", "change_reason",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class RetrainingAlertSerializer(serializers.ModelSerializer):
    model = serializers.IntegerField(source="model_version.model_id", read_only=True)
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    explanation = serializers.CharField(read_only=True)

    class Meta:
        model = RetrainingAlert
        fields = ["id", "model", "model_name", "model_version", "version", "metric", "status",
                  "breach", "explanation", "current_value", "limit", "baseline", "degradation",
                  "observations", "threshold", "owner", "opened_at", "last_seen_at",
                  "notified_at", "resolved_at", "note"]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                 help_text="What is being done, e.g. “retraining on Q3 data”.")
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PriorityRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    model = serializers.IntegerField(source="model.pk")
    model_name = serializers.CharField(source="model.name")
    score = serializers.FloatField(help_text="Weighted mean of the four parts, 0 to 100.")
    usage = serializers.FloatField(help_text="Usage volume relative to the busiest model, 0 to 100.")
    usage_volume = serializers.FloatField()
    impact = serializers.FloatField(help_text="Declared business impact, 0 to 100.")
    business_impact = serializers.CharField(source="model.business_impact")
    risk = serializers.FloatField(help_text="Risk tier, 0 to 100.")
    risk_tier = serializers.CharField(source="model.risk_tier")
    decay = serializers.FloatField(help_text="Worst active alert's degradation, 0 to 100.")
    degradation = serializers.FloatField()
    open_alerts = serializers.IntegerField()


class PriorityListSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = PriorityRowSerializer(many=True)
