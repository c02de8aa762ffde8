"""Base serializer of governed records (model validation runs before any service is called),
and the serializers of the platform's own records."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.errors import django_validation_error_to_dict
from core.models import AccessEvent, JobRun, PermissionDenial


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


class RecordTypeField(serializers.SlugRelatedField):
    """A record type as `app_label.model` (e.g. `inventory.mlmodel`)."""

    def __init__(self, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        kwargs.setdefault("queryset", ContentType.objects.all())
        super().__init__(slug_field="model", **kwargs)

    def to_internal_value(self, data):
        from django.contrib.contenttypes.models import ContentType

        app_label, _, model = str(data).partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if content_type is None or content_type.model_class() is None:
            self.fail("does_not_exist", slug_name="record type", value=data)
        return content_type

    def to_representation(self, obj) -> str:
        return f"{obj.app_label}.{obj.model}"


class PermissionDenialSerializer(GovernedSerializer):
    """Shape only; the denial service checks the action, the target and the record."""

    record_type = RecordTypeField(source="content_type")
    user = serializers.SlugRelatedField(slug_field="username", required=False, allow_null=True,
                                        queryset=get_user_model().objects.filter(is_active=True))
    role = serializers.SlugRelatedField(source="group", slug_field="name", required=False,
                                        allow_null=True, queryset=Group.objects.all())
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PermissionDenial
        fields = ["id", "record_type", "object_id", "action", "user", "role", "team", "reason",
                  "created_by", "created_at", "change_reason"]
        read_only_fields = ["created_by", "created_at"]

    def validate(self, attrs):
        # The service validates the whole denial once (actions depend on the record type).
        return attrs
