"""API shape of reports: generate one now, read what was stored."""

from __future__ import annotations

from rest_framework import serializers

from governance.choices import ReportFormat
from governance.models import Report

__all__ = ["ReportSerializer"]


class ReportSerializer(serializers.ModelSerializer):
    """Generated reports; POST `template`, `format` and `parameters` to generate one now."""

    template = serializers.CharField(max_length=60)
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    parameters = serializers.JSONField(required=False, default=dict)
    requested_by = serializers.CharField(source="requested_by_actor", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "template", "title", "format", "parameters", "requested_by", "schedule",
                  "job_run", "generated_at", "sha256", "size", "row_count", "download_url"]
        read_only_fields = ["id", "title", "requested_by", "schedule", "job_run", "generated_at",
                            "sha256", "size", "row_count", "download_url"]

    def get_download_url(self, report: Report) -> str:
        from django.urls import reverse

        return reverse("governance-api:report-download", args=[report.pk])
