"""Serializers of frameworks and requirements (shape only; the regulations services decide)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from governance.applicability import describe_condition
from governance.models import FrameworkVersion, RegulatoryFramework, Requirement

__all__ = ["FrameworkVersionSerializer", "FrameworkVersionWriteSerializer",
           "RegulatoryFrameworkSerializer", "RequirementSerializer"]


class FrameworkVersionSerializer(serializers.ModelSerializer):
    applies_when_text = serializers.SerializerMethodField(
        help_text="The applicability rule in plain words.")
    requirement_count = serializers.SerializerMethodField()

    class Meta:
        model = FrameworkVersion
        fields = ["id", "version", "label", "effective_date", "is_current", "applies_when",
                  "applies_when_text", "notes", "requirement_count"]
        read_only_fields = fields

    def get_applies_when_text(self, obj) -> str:
        return describe_condition(obj.applies_when)

    def get_requirement_count(self, obj) -> int:
        in_force = getattr(obj, "in_force", None)
        return len(in_force) if in_force is not None else obj.requirements.filter(
            is_current=True).count()


class FrameworkVersionWriteSerializer(GovernedSerializer):
    """A framework version through the API: creating one starts the framework's next
    version from the current one's requirements; label, dates, notes and the rule change."""

    framework = serializers.SlugRelatedField(
        slug_field="code", queryset=RegulatoryFramework.objects.all(),
        help_text="The framework's code, e.g. gdpr.")
    applies_when_text = serializers.SerializerMethodField(
        help_text="The applicability rule in plain words.")

    class Meta:
        model = FrameworkVersion
        fields = ["id", "framework", "version", "label", "effective_date", "is_current",
                  "applies_when", "applies_when_text", "notes", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["version", "is_current", "created_at", "updated_at"]
        # "One current version per framework" is the service's to keep (it retires the
        # previous one); the model's own validation runs in `validate`.
        validators: list = []

    def get_applies_when_text(self, obj) -> str:
        return describe_condition(obj.applies_when)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["framework"].read_only = True
        return fields

    def _candidate(self, model, data: dict, many_to_many: set[str]):
        candidate = super()._candidate(model, data, many_to_many)
        if self.instance is None:
            # The service numbers the new version and makes it current (retiring the
            # previous one): the candidate checked here is not current yet.
            candidate.is_current = False
        return candidate


class RegulatoryFrameworkSerializer(GovernedSerializer):
    current_version = serializers.SerializerMethodField(
        help_text="The version models are assessed against now.")

    class Meta:
        model = RegulatoryFramework
        fields = ["id", "code", "name", "short_name", "jurisdiction", "authority",
                  "description", "source_url", "current_version", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["created_at", "updated_at"]

    def get_current_version(self, obj) -> dict | None:
        current = getattr(obj, "current_versions", None)
        version = current[0] if current else (None if current is not None else
                                              obj.versions.filter(is_current=True).first())
        return FrameworkVersionSerializer(version).data if version else None


class RequirementSerializer(GovernedSerializer):
    framework = serializers.CharField(source="framework_version.framework.code", read_only=True)
    framework_version = serializers.PrimaryKeyRelatedField(
        queryset=FrameworkVersion.objects.all(),
        help_text="Id of the framework version the requirement belongs to.")
    applies_when_text = serializers.SerializerMethodField(
        help_text="The applicability rule in plain words.")

    class Meta:
        model = Requirement
        fields = ["id", "framework", "framework_version", "key", "revision", "is_current",
                  "replaces", "clause", "title", "summary", "evidence", "evidence_checks",
                  "applies_when", "applies_when_text", "order", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["revision", "is_current", "replaces", "created_at", "updated_at"]

    def get_applies_when_text(self, obj) -> str:
        return describe_condition(obj.applies_when)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # A requirement stays in its framework version; a new version copies it.
            fields["framework_version"].read_only = True
        return fields
