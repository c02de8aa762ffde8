"""Serializers of the inventory API.

Catalogue serializers never save (HackSoft): `validate()` asks the registration check of
`inventory.services.standards` for every problem at once, so a refused registration gets
the same field messages here as in the admin and the dashboards, and the viewsets hand
the validated data to the services in `inventory.services.catalogue`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.choices import DatasetRole
from inventory.models import (
    FROZEN_STAGES,
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Feature,
    MLModel,
    ModelAlias,
    ModelBranch,
    ModelVersion,
    Pipeline,
    SavedSearch,
    Team,
    storage_mode_recommendation,
)

User = get_user_model()


# --------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------
class NameListField(serializers.ListField):
    """Tags and compliance tags by name: a list of strings in and out (read from the
    prefetched relation, so lists cost no query per row)."""

    child = serializers.CharField(max_length=60)

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return sorted(getattr(item, "name", str(item)) for item in items)


class UserField(serializers.SlugRelatedField):
    """A person by user name (what CI jobs and people know), active accounts only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


class RegistrationSerializer(GovernedSerializer):
    """Checks types and shapes only: the registration rules (every problem at once) run
    once, inside the service the viewset calls, whose `ValidationError` the API's error
    handler turns into the same field-level 400. Running them here as well would double
    the cost of every write."""

    def validate(self, attrs: dict) -> dict:
        return serializers.ModelSerializer.validate(self, attrs)


ASSET_FIELDS = ["id", "name", "purpose", "description", "owner", "steward", "team", "team_name",
                "domain", "tags", "compliance_tags", "confidential", "tracked_artefacts",
                "created_at", "updated_at", "change_reason"]
ASSET_EXTRA = {"name": {"required": False, "allow_blank": True}}


class AssetSerializer(RegistrationSerializer):
    owner = UserField(help_text="User name of the accountable person.")
    steward = UserField(help_text="User name of the day-to-day steward.")
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    tags = NameListField(required=False, help_text="Free tags; new ones are created.")
    compliance_tags = NameListField(required=False,
                                    help_text="Names of existing compliance tags.")


class MLModelSerializer(AssetSerializer):
    class Meta:
        model = MLModel
        fields = [*ASSET_FIELDS, "stage", "risk_tier", "purpose_category", "development_cost",
                  "classification", "classification_rationale", "origin", "supplier",
                  "source_url", "licence", "permitted_uses", "redistribution",
                  "redistribution_terms", "attribution", "training_date", "input_schema",
                  "output_schema", "evaluation_metrics", "training_environment",
                  "inference_requirements", "versioning_strategy", "ever_in_production"]
        read_only_fields = ["stage", "classification", "classification_rationale",
                            "ever_in_production", "created_at", "updated_at"]
        extra_kwargs = ASSET_EXTRA


def _details_visible(serializer: serializers.Serializer, dataset: Dataset) -> bool:
    """`details_visible` as annotated by the viewset (no query per row), else checked."""
    annotated = getattr(dataset, "details_visible", None)
    if annotated is not None:
        return bool(annotated)
    request = serializer.context.get("request")
    return dataset.details_visible_to(getattr(request, "user", None))


class DatasetSerializer(AssetSerializer):
    """A sensitive dataset's datasheet is `null` to readers without the permission."""

    storage_recommendation = serializers.SerializerMethodField(
        help_text="Held or referenced, and why, from size, sensitivity and access frequency.")

    class Meta:
        model = Dataset
        fields = [*ASSET_FIELDS, "sensitivity", "storage_mode", "residency_region",
                  "access_frequency", "storage_recommendation", *Dataset.DATASHEET_FIELDS]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = ASSET_EXTRA

    def get_storage_recommendation(self, instance: Dataset) -> dict:
        # `latest_size` is annotated by the viewset, so a list costs no query per row.
        size = getattr(instance, "latest_size", None)
        mode, reason = (storage_mode_recommendation(
            size=size, sensitivity=instance.sensitivity,
            access_frequency=instance.access_frequency) if hasattr(instance, "latest_size")
            else instance.storage_recommendation())
        return {"storage_mode": mode, "reason": reason}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not _details_visible(self, instance):
            for name in Dataset.DATASHEET_FIELDS:
                data[name] = None
        return data


class FeatureSerializer(AssetSerializer):
    class Meta:
        model = Feature
        fields = [*ASSET_FIELDS, "data_type", "dataset", "transformation"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = ASSET_EXTRA

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "dataset" in fields:
            fields["dataset"].queryset = Dataset.objects.restrict(request.user, "view")
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # `dataset_visible` is annotated by the viewset; a hidden dataset is not named.
        if not getattr(instance, "dataset_visible", True):
            data["dataset"] = None
        return data


class PipelineSerializer(AssetSerializer):
    class Meta:
        model = Pipeline
        fields = [*ASSET_FIELDS, "repository_url", "orchestrator", "schedule"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = ASSET_EXTRA


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
                  "training_environment", "environment_uri", "environment_size",
                  "inference_requirements", "code_repository", "code_commit",
                  "code_commit_signed", "datasets", "created_by", "created_at", "updated_at",
                  "change_reason"]
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
        if not _details_visible(self, instance.dataset):
            data["uri"] = None  # the location of a sensitive dataset (issue 5)
        return data

    def validate(self, attrs: dict) -> dict:
        from inventory.services.standards import schema_problem

        problem = schema_problem(attrs.get("schema"))
        if problem:
            raise serializers.ValidationError({"schema": [problem]})
        return super().validate(attrs)


class TeamSerializer(GovernedSerializer):
    members = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "business_unit", "description", "members", "created_at",
                  "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class ComplianceTagSerializer(GovernedSerializer):
    class Meta:
        model = ComplianceTag
        fields = ["id", "name", "description", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class SavedSearchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedSearch
        fields = ["id", "page", "name", "query", "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []  # uniqueness per user is checked by the service's full_clean()


class RiskTierSerializer(serializers.Serializer):
    risk_tier = serializers.CharField()
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ComplianceTagsSerializer(serializers.Serializer):
    compliance_tags = serializers.ListField(child=serializers.CharField(max_length=60))
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReasonSerializer(serializers.Serializer):
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --------------------------------------------------------------------------------------
# Lifecycle, branches, aliases (issue 4)
# --------------------------------------------------------------------------------------
class TransitionSerializer(serializers.Serializer):
    """`POST model-versions/{id}/transition/`: the stage to move to, and why."""

    to_stage = serializers.CharField(help_text="draft, registered, validated, staging, "
                                               "production, deprecated, archived or retired.")
    change_reason = serializers.CharField(max_length=500,
                                          help_text="Why; kept in the version's history.")


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
