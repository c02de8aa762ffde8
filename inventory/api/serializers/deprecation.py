"""Serializers of deprecation rules, schedules and notices."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import DeprecationNotice, DeprecationRule, DeprecationSchedule, ModelVersion

__all__ = [
    "DeprecationNoticeSerializer",
    "DeprecationRuleSerializer",
    "DeprecationScheduleSerializer",
]


class DeprecationNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeprecationNotice
        fields = ["id", "model_version", "trigger", "target_stage", "rule", "reason",
                  "recipients", "effective_on", "status", "outcome", "job_run", "notified_at",
                  "closed_at"]
        read_only_fields = fields


class DeprecationRuleSerializer(GovernedSerializer):
    class Meta:
        model = DeprecationRule
        fields = ["id", "name", "model", "metric", "direction", "threshold", "consecutive",
                  "notice_days", "active", "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]


class DeprecationScheduleSerializer(GovernedSerializer):
    class Meta:
        model = DeprecationSchedule
        fields = ["id", "model_version", "deprecate_on", "archive_on", "validation_expires_on",
                  "approval_expires_on", "notice_days", "created_at", "updated_at",
                  "change_reason"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model_version"].queryset = ModelVersion.objects.restrict(request.user, "view")
        return fields
