"""Serializers of compliance statuses (read-only evidence written by the recompute)."""

from __future__ import annotations

from rest_framework import serializers

from governance.evidence import evidence_check
from governance.models import ComplianceAssessment, RequirementResult

__all__ = ["ComplianceAssessmentSerializer", "GapSerializer"]


class GapSerializer(serializers.ModelSerializer):
    requirement_key = serializers.CharField(source="requirement.key")
    clause = serializers.CharField(source="requirement.clause")
    title = serializers.CharField(source="requirement.title")
    revision = serializers.IntegerField(source="requirement.revision")
    missing = serializers.SerializerMethodField(
        help_text="Each piece of missing evidence: the check, what is missing, how to close "
                  "it and the page where it is closed.")

    class Meta:
        model = RequirementResult
        fields = ["requirement", "requirement_key", "clause", "title", "revision", "missing"]
        read_only_fields = fields

    def get_missing(self, obj) -> list[dict]:
        request = self.context.get("request")
        items = []
        for item in obj.missing:
            check = evidence_check(item.get("check", ""))
            url = item.get("url", "")
            items.append({
                "check": item.get("check", ""), "label": item.get("label", ""),
                "detail": item.get("detail", ""),
                "how_to_close": check.how_to_close if check else "",
                "url": request.build_absolute_uri(url) if request and url else url,
            })
        return items


class ComplianceAssessmentSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model.name")
    framework = serializers.CharField(source="framework.code")
    framework_name = serializers.CharField(source="framework.short_name")
    framework_version_label = serializers.CharField(source="framework_version.label")
    gaps = serializers.SerializerMethodField(help_text="The requirements with a gap.")

    class Meta:
        model = ComplianceAssessment
        fields = ["id", "model", "model_name", "framework", "framework_name",
                  "framework_version", "framework_version_label", "status",
                  "applicable_count", "met_count", "gap_count", "is_current", "assessed_at",
                  "trigger", "gaps"]
        read_only_fields = fields

    def get_gaps(self, obj) -> list[dict]:
        results = getattr(obj, "gap_results", None)
        if results is None:
            results = obj.results.filter(outcome="gap").select_related("requirement")
        return GapSerializer(results, many=True, context=self.context).data
