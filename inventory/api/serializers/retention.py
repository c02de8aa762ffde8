"""Serializers of retention policies, legal holds and purge records."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import (
    Dataset,
    DatasetVersion,
    LegalHold,
    MLModel,
    ModelVersion,
    PurgeRecord,
    RetentionPolicy,
)

__all__ = [
    "LegalHoldSerializer",
    "PurgeRecordSerializer",
    "ReleaseSerializer",
    "RetentionPolicySerializer",
]


class PurgeRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurgeRecord
        fields = ["id", "model_version", "dataset_version", "artifact_uri", "storage_name",
                  "size", "policy", "retained_until", "job_run", "actor", "purged_at"]
        read_only_fields = fields


class RetentionPolicySerializer(GovernedSerializer):
    class Meta:
        model = RetentionPolicy
        fields = ["id", "name", "asset_type", "regulation", "stage", "retain_days",
                  "description", "active", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


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
