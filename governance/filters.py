"""FilterSets of the governance records, shared by the API and the dashboards."""

from __future__ import annotations

import datetime

import django_filters
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.choices import AuditAction, AuditEventKind
from core.models import AuditEvent

__all__ = ["AuditEventFilterSet"]

# The apps whose records the audit log holds (Custodia's own; not Django's auth, sessions…).
AUDITED_APPS = ("core", "inventory", "lineage", "monitoring", "risk", "governance")


# Database integer columns end here; larger numbers are refused, not sent to the database.
BIGINT_MAX = 2**63 - 1


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment with any UTC offset a clock may show, compared in UTC (PostgreSQL
    refuses offsets beyond ±15:59 that ISO allows)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as error:  # before year 1 or after 9999 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def _app_choices() -> list[tuple[str, str]]:
    return [(label, apps.get_app_config(label).verbose_name) for label in AUDITED_APPS
            if apps.is_installed(label)]


def _record_type_choices() -> list[tuple[str, str]]:
    choices = []
    for label in AUDITED_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "history") or model._meta.model_name == "accessevent":
                name = f"{label}.{model._meta.model_name}"
                choices.append((name, str(model._meta.verbose_name).capitalize()))
    return sorted(choices, key=lambda choice: choice[1])


class AuditEventFilterSet(django_filters.FilterSet):
    """One search over the audit log: by record, user, action, time range and app."""

    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Words in the record's name, who acted or why")
    app = django_filters.ChoiceFilter(field_name="content_type__app_label", choices=_app_choices,
                                      label="Area")
    record_type = django_filters.ChoiceFilter(method="filter_record_type",
                                              choices=_record_type_choices, label="Record type")
    object_id = django_filters.CharFilter(label="Record id")
    record = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains",
                                       label="Record name (contains)")
    actor = django_filters.CharFilter(lookup_expr="icontains", label="Who (contains)",
                                      help_text="A user name, or a job such as job:")
    user = django_filters.NumberFilter(field_name="user_id", label="User id", min_value=0,
                                       max_value=BIGINT_MAX)
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    kind = django_filters.ChoiceFilter(choices=AuditEventKind.choices, label="Kind of event")
    occurred_after = UtcIsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="From",
        help_text="Date and time, e.g. 2026-01-31T09:00")
    occurred_before = UtcIsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", label="Before")
    seq = django_filters.NumberFilter(label="Entry number", min_value=0, max_value=BIGINT_MAX)

    class Meta:
        model = AuditEvent
        fields = ["q", "app", "record_type", "object_id", "record", "actor", "user", "action",
                  "kind", "occurred_after", "occurred_before", "seq"]

    def filter_q(self, queryset, name, value: str):
        return queryset.filter(Q(object_repr__icontains=value) | Q(actor__icontains=value)
                               | Q(reason__icontains=value))

    def filter_record_type(self, queryset, name, value: str):
        app_label, _, model = value.partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=content_type) if content_type else queryset.none()
