"""Serializers of monitoring requirements and health findings."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import MLModel
from monitoring.models import HealthFinding, MonitoringRequirement

__all__ = ["HealthFindingSerializer", "MonitoringRequirementSerializer"]


class MonitoringRequirementSerializer(GovernedSerializer):
    class Meta:
        model = MonitoringRequirement
        fields = ["id", "risk_tier", "model", "expected_interval_minutes", "required_metrics",
                  "description", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model"].queryset = MLModel.objects.restrict(request.user, "view")
        return fields


class HealthFindingSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    environment = serializers.CharField(source="deployment.environment", read_only=True)
    region = serializers.CharField(source="deployment.region", read_only=True)
    segment = serializers.CharField(source="deployment.segment", read_only=True)

    class Meta:
        model = HealthFinding
        fields = ["id", "problem", "status", "deployment", "model_version", "model_name",
                  "version", "environment", "region", "segment", "detail", "last_observed_at",
                  "created_at", "resolved_at", "job_run"]
        read_only_fields = fields
