"""Base serializer of governed records (model validation runs before any service is called),
and the serializers of the platform's own records."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.errors import django_validation_error_to_dict
from core.models import AccessEvent, JobRun


class GovernedSerializer(serializers.ModelSerializer):
    """Runs the model's `full_clean()` in `validate()`, so the API refuses exactly what the
    admin and dashboards refuse. Accepts an optional `change_reason` for the history."""

    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500,
        help_text="Why this change is made; stored in the record's history.")

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        data = {k: v for k, v in attrs.items() if k != "change_reason"}
        model = self.Meta.model
        many_to_many = {f.name for f in model._meta.many_to_many}
        instance = self._candidate(model, data, many_to_many)
        try:
            instance.full_clean(exclude=self._clean_exclusions(model, data), validate_unique=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_validation_error_to_dict(error)) from error
        return attrs

    def _candidate(self, model, data: dict, many_to_many: set[str]):
        candidate = model.objects.get(pk=self.instance.pk) if self.instance is not None else model()
        for field, value in data.items():
            if field not in many_to_many:
                setattr(candidate, field, value)
        return candidate

    def _clean_exclusions(self, model, data: dict) -> list[str]:
        """On create, fields the client cannot send (set by services) are not checked here."""
        writable = set(data) | {name for name, f in self.fields.items() if not f.read_only}
        return [f.name for f in model._meta.concrete_fields if f.name not in writable]


# --------------------------------------------------------------------------------------
# Platform records
# --------------------------------------------------------------------------------------
class JobRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobRun
        fields = ["id", "name", "task_id", "parameters", "actor", "status", "progress", "log",
                  "result", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class AccessEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", default=None, read_only=True,
                                        allow_null=True)

    class Meta:
        model = AccessEvent
        fields = ["id", "occurred_at", "actor", "action", "object_type", "object_id",
                  "object_repr", "path", "query", "result_count", "client_address"]
        read_only_fields = fields
