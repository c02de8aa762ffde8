"""FilterSets shared by the inventory API and dashboards."""

import django_filters

from inventory.choices import AccessAction, JobStatus
from inventory.models import AccessEvent, JobRun


class JobRunFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=JobStatus.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = JobRun
        fields = ["name", "status"]


class AccessEventFilterSet(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AccessAction.choices)
    actor = django_filters.CharFilter(lookup_expr="icontains")
    user_id = django_filters.NumberFilter()
    object_type = django_filters.CharFilter(field_name="content_type__model")
    object_id = django_filters.CharFilter()
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = AccessEvent
        fields = ["action", "actor", "user_id", "object_type", "object_id"]
