"""Serializers of the catalogue API: assets, teams, compliance tags and saved searches.

Serializers never save: `validate()` asks the registration check of
`inventory.services.standards` for every problem at once, so a refused registration gets
the same field messages here as in the admin and the dashboards, and the viewsets hand
the validated data to the services in `inventory.services.catalogue`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import (
    ComplianceTag,
    Dataset,
    Feature,
    MLModel,
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

    def build_standard_field(self, field_name, model_field):
        # The model fields' own rules (JSON Schema, SPDX licence, metrics) are part of the
        # registration check, which reports every problem at once; here they would stop at
        # the first few.
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if "validators" in field_kwargs:
            field_kwargs["validators"] = [v for v in field_kwargs["validators"]
                                          if getattr(v, "__module__", "") != "inventory.validators"]
        return field_class, field_kwargs

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
        fields = [*ASSET_FIELDS, "stage", "risk_tier", "purpose_category", "business_impact",
                  "automated_decisions", "human_oversight", "impact_assessment_url",
                  "development_cost",
                  "classification", "classification_rationale", "origin", "supplier",
                  "source_url", "licence", "permitted_uses", "redistribution",
                  "redistribution_terms", "attribution", "out_of_scope_uses", "factors",
                  "ethical_considerations", "caveats", "training_date", "input_schema",
                  "output_schema", "evaluation_metrics", "training_environment",
                  "inference_requirements", "versioning_strategy", "labels",
                  "ever_in_production"]
        read_only_fields = ["stage", "classification", "classification_rationale",
                            "ever_in_production", "created_at", "updated_at"]
        extra_kwargs = ASSET_EXTRA


def details_visible(serializer: serializers.Serializer, dataset: Dataset) -> bool:
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
        if not details_visible(self, instance):
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
