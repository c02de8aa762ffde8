"""FilterSets of the platform's records (job runs, access events), shared by API and dashboards."""

from __future__ import annotations

import django_filters
from django import forms

from core.choices import AccessAction, JobStatus
from core.models import AccessEvent, JobRun, PermissionDenial

__all__ = ["MAX_ID", "AccessEventFilterSet", "JobRunFilterSet", "PermissionDenialFilterSet",
           "id_filter"]

# The largest id a database integer column holds: larger numbers are refused with a 400
# rather than sent to the database.
MAX_ID = 2**63 - 1


def id_filter(field_name: str, label: str, *, hidden: bool = False) -> django_filters.NumberFilter:
    """A filter by record id, for the API and for links that drill down (`hidden`: not
    shown on the pages, where nobody types an id; the link that set it keeps it)."""
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1,
                                       max_value=MAX_ID, decimal_places=0,
                                       widget=forms.HiddenInput if hidden else None)


class JobRunFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=JobStatus.choices)
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Queued from",
        help_text="Date and time, e.g. 2026-01-31T09:00")
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Queued before")

    class Meta:
        model = JobRun
        fields = ["name", "status"]


class AccessEventFilterSet(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AccessAction.choices)
    actor = django_filters.CharFilter(lookup_expr="icontains", label="Who (contains)")
    user_id = django_filters.NumberFilter(label="User id")
    object_type = django_filters.CharFilter(field_name="content_type__model", label="Record type",
                                            help_text="e.g. mlmodel, datasetversion")
    object_id = django_filters.CharFilter(label="Record id")
    occurred_after = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="From",
        help_text="Date and time, e.g. 2026-01-31T09:00")
    occurred_before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", label="Before")

    class Meta:
        model = AccessEvent
        fields = ["action", "actor", "user_id", "object_type", "object_id"]


class PermissionDenialFilterSet(django_filters.FilterSet):
    record_type = django_filters.CharFilter(method="filter_record_type", label="Record type",
                                            help_text="app_label.model, e.g. inventory.mlmodel")
    object_id = django_filters.CharFilter(label="Record id")
    action = django_filters.CharFilter()
    user = django_filters.CharFilter(field_name="user__username", label="User name")
    role = django_filters.CharFilter(field_name="group__name", label="Role")
    team = django_filters.NumberFilter(field_name="team_id", label="Team id")

    class Meta:
        model = PermissionDenial
        fields = ["record_type", "object_id", "action", "user", "role", "team"]

    def filter_record_type(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
