"""Serializers of model and dataset versions, their dataset links, stage transitions and
the point-in-time answer.
"""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.api.serializers.catalogue import RegistrationSerializer, details_visible
from inventory.choices import DatasetRole
from inventory.models import FROZEN_STAGES, Dataset, DatasetVersion, MLModel, ModelVersion


class DatasetLinkSerializer(serializers.Serializer):
    """A dataset version a model version used, with its checksum when the link was made."""

    dataset_version = serializers.IntegerField(source="dataset_version_id",
                                               help_text="Id of the dataset version.")
    role = serializers.ChoiceField(choices=DatasetRole.choices)
    checksum_at_link = serializers.CharField(read_only=True)
    size_at_link = serializers.IntegerField(read_only=True, allow_null=True)


class BranchNameField(serializers.CharField):
    """A version's branch by name (`main`, `exp/...`); empty on registration means main."""

    def to_representation(self, value) -> str | None:
        return getattr(value, "name", None)


class ModelVersionSerializer(RegistrationSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    branch = BranchNameField(required=False, allow_blank=True, allow_null=True,
                             help_text="Branch name (created beforehand); empty: main.")
    datasets = DatasetLinkSerializer(
        source="dataset_links", many=True, required=False,
        help_text="Dataset versions it was trained, validated and tested on; the checksum "
                  "of each is recorded as it is now.")
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    frozen = serializers.SerializerMethodField(
        help_text="True once the version reached production: it can no longer change.")

    class Meta:
        model = ModelVersion
        fields = ["id", "model", "model_name", "version", "stage", "frozen", "branch", "aliases",
                  "description", "artifact_uri", "artifact_sha256", "artifact_size",
                  "training_date", "input_schema", "output_schema", "evaluation_metrics",
                  "training_environment", "environment_uri", "environment_digest", "environment_size",
                  "inference_requirements", "code_repository", "code_commit",
                  "code_commit_signed", "run_id", "run_link", "labels", "datasets",
                  "created_by", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["version", "stage", "created_by", "created_at", "updated_at"]

    def get_frozen(self, obj: ModelVersion) -> bool:
        return obj.stage in FROZEN_STAGES

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Versions are registered on models the user may change (NetBox: restricted FKs).
            fields["model"].queryset = MLModel.objects.restrict(request.user, "change")
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["model"].read_only = True
        return fields


class DatasetVersionSerializer(GovernedSerializer):
    dataset_name = serializers.CharField(source="dataset.name", read_only=True)

    class Meta:
        model = DatasetVersion
        fields = ["id", "dataset", "dataset_name", "version", "uri", "sha256", "size", "row_count",
                  "schema", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["version", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["dataset"].queryset = Dataset.objects.restrict(request.user, "change")
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["dataset"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not details_visible(self, instance.dataset):
            data["uri"] = None  # the location of a sensitive dataset (GDPR art. 9)
        return data

    def validate(self, attrs: dict) -> dict:
        from inventory.validators import schema_problem

        problem = schema_problem(attrs.get("schema"))
        if problem:
            raise serializers.ValidationError({"schema": [problem]})
        return super().validate(attrs)


# --------------------------------------------------------------------------------------
# Stage transitions and the point-in-time answer
# --------------------------------------------------------------------------------------
class TransitionSerializer(serializers.Serializer):
    """`POST model-versions/{id}/transition/`: the stage to move to, and why."""

    to_stage = serializers.CharField(help_text="draft, registered, validated, staging, "
                                               "production, deprecated, archived or retired.")
    change_reason = serializers.CharField(max_length=500,
                                          help_text="Why; kept in the version's history.")


class AliasAtSerializer(serializers.Serializer):
    alias = serializers.CharField(source="name")
    version_id = serializers.IntegerField()
    version = serializers.IntegerField()
    moved_at = serializers.DateTimeField()
    moved_by = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class VersionAtSerializer(serializers.Serializer):
    version_id = serializers.IntegerField()
    version = serializers.IntegerField()
    stage = serializers.CharField()
    since = serializers.DateTimeField(help_text="When it entered this stage.")
    changed_by = serializers.CharField(help_text="Who moved it into this stage.")
    reason = serializers.CharField(allow_blank=True)


class PointInTimeSerializer(serializers.Serializer):
    """`GET models/{id}/as-of/?at=`: aliases and stages at that moment, with who and why."""

    model = serializers.IntegerField(source="model.pk")
    model_name = serializers.CharField(source="model.name")
    at = serializers.DateTimeField()
    aliases = AliasAtSerializer(many=True)
    production = VersionAtSerializer(many=True)
    versions = VersionAtSerializer(many=True)
