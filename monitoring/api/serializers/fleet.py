"""Serializers of deployment events: the event a platform posts, and the stored log."""

from __future__ import annotations

from rest_framework import serializers

from inventory.choices import DeploymentEnvironment
from inventory.models import ModelVersion
from monitoring.choices import DeploymentEventKind
from monitoring.models import DeploymentEvent

__all__ = ["DeploymentEventPostSerializer", "DeploymentEventSerializer"]


class DeploymentEventPostSerializer(serializers.Serializer):
    """What CI/CD or the serving platform posts (the shape; the rules are the service's)."""

    event = serializers.ChoiceField(choices=DeploymentEventKind.choices,
                                    help_text="created, scaled, moved, removed or rolled_back.")
    model_version = serializers.PrimaryKeyRelatedField(queryset=ModelVersion.objects.none())
    environment = serializers.ChoiceField(choices=DeploymentEnvironment.choices)
    region = serializers.CharField(required=False, allow_blank=True, max_length=40)
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    to_region = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                      help_text="moved: the new region.")
    to_segment = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                       help_text="moved: the new customer segment.")
    to_model_version = serializers.PrimaryKeyRelatedField(
        queryset=ModelVersion.objects.none(), required=False, allow_null=True,
        help_text="rolled_back: the earlier version that serves again.")
    replicas = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                        max_value=1_000_000)
    endpoint = serializers.CharField(required=False, allow_blank=True, max_length=500)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # An invisible version is "does not exist" (never a hint that it does).
            visible = ModelVersion.objects.restrict(request.user, "view").select_related("model")
            fields["model_version"].queryset = visible
            fields["to_model_version"].queryset = visible
        return fields


class DeploymentEventSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DeploymentEvent
        fields = ["id", "kind", "model_version", "model_name", "version", "to_model_version",
                  "environment", "region", "segment", "to_region", "to_segment", "replicas",
                  "endpoint", "occurred_at", "received_at", "reported_by", "reason", "outcome",
                  "detail", "deployment"]
        read_only_fields = fields
