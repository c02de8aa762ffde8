"""Serializers of model branches and aliases."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import MLModel, ModelAlias, ModelBranch, ModelVersion


class ModelBranchSerializer(GovernedSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ModelBranch
        fields = ["id", "model", "model_name", "name", "kind", "parent_version",
                  "drift_scenario", "description", "created_by", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["kind", "created_by", "created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        # Shapes only: the branch rules (name, drift scenario, parent) run in the service.
        return serializers.ModelSerializer.validate(self, attrs)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model"].queryset = MLModel.objects.restrict(request.user, "change")
            fields["parent_version"].queryset = ModelVersion.objects.restrict(request.user,
                                                                              "view")
        return fields


class ModelAliasSerializer(GovernedSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True)
    version_number = serializers.IntegerField(source="version.version", read_only=True)
    moved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ModelAlias
        fields = ["id", "model", "model_name", "name", "version", "version_number", "moved_at",
                  "moved_by", "reason", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["moved_at", "moved_by", "reason", "created_at", "updated_at"]
        validators: list = []  # one alias per name and model: the service moves it instead

    def validate(self, attrs: dict) -> dict:
        # Shapes only: the alias rules (same model, permission, reason) run in the service.
        return serializers.ModelSerializer.validate(self, attrs)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model"].queryset = MLModel.objects.restrict(request.user, "change")
            fields["version"].queryset = ModelVersion.objects.restrict(request.user, "view")
        return fields
