"""Serializers of deployments and metric observations (read-only evidence)."""

from __future__ import annotations

from rest_framework import serializers

from inventory.models import Deployment, MetricObservation

__all__ = [
    "DeploymentSerializer",
    "MetricObservationSerializer",
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
                  "segment", "endpoint", "status", "deployed_at", "replicas", "reported_by",
                  "created_at", "updated_at"]
        read_only_fields = fields


class MetricObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricObservation
        fields = ["id", "model_version", "deployment", "name", "kind", "value", "observed_at",
                  "source", "created_at"]
        read_only_fields = fields
