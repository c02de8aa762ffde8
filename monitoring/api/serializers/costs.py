"""Serializers of cost records."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import GovernedSerializer
from inventory.models import Deployment, MLModel
from monitoring.models import CostRecord

__all__ = ["CostRecordSerializer"]


class CostRecordSerializer(GovernedSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True, default=None)
    month = serializers.DateField(help_text="Any day of the month billed, e.g. 2026-03-01; "
                                            "kept as the month's first day.")

    class Meta:
        model = CostRecord
        fields = ["id", "month", "scope", "model", "model_name", "deployment", "category",
                  "amount", "project", "description", "reference", "source", "created_at",
                  "updated_at", "change_reason"]
        read_only_fields = ["source", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["model"].queryset = MLModel.objects.restrict(request.user, "view")
            fields["deployment"].queryset = Deployment.objects.restrict(
                request.user, "view").select_related("model_version")
        return fields

    def validate_month(self, value):
        return value.replace(day=1)
