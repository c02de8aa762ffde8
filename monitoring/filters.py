"""Filters of monitoring records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters

from inventory.choices import MetricKind, RiskTier
from monitoring.choices import AlertStatus, BreachKind, Granularity
from monitoring.models import MetricBatch, MetricRollup, MetricThreshold, RetrainingAlert

__all__ = [
    "MetricBatchFilterSet",
    "MetricRollupFilterSet",
    "MetricThresholdFilterSet",
    "RetrainingAlertFilterSet",
]

MAX_ID = 2**63 - 1


def _id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    # Ids within the database's integer range: anything else is a 400, not an overflow.
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1,
                                       max_value=MAX_ID, decimal_places=0)


class MetricRollupFilterSet(django_filters.FilterSet):
    granularity = django_filters.ChoiceFilter(choices=Granularity.choices, label="Granularity")
    kind = django_filters.MultipleChoiceFilter(choices=MetricKind.choices, label="Kind")
    name = django_filters.CharFilter(label="Metric name")
    model = _id_filter("model_version__model_id", "Model id")
    model_version = _id_filter("model_version_id", "Model version id")
    deployment = _id_filter("deployment_id", "Deployment id")
    region = django_filters.CharFilter(field_name="deployment__region", label="Region")
    segment = django_filters.CharFilter(field_name="deployment__segment", label="Segment")
    since = django_filters.IsoDateTimeFilter(field_name="bucket_start", lookup_expr="gte",
                                             label="From (bucket start)")
    until = django_filters.IsoDateTimeFilter(field_name="bucket_start", lookup_expr="lt",
                                             label="Until (bucket start, exclusive)")
    ordering = django_filters.OrderingFilter(fields=(("bucket_start", "bucket_start"),
                                                     ("name", "name")), label="Sort by")

    class Meta:
        model = MetricRollup
        fields: list[str] = []


class MetricBatchFilterSet(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte",
                                             label="Received from")
    source = django_filters.CharFilter(label="Source")
    ordering = django_filters.OrderingFilter(fields=(("created_at", "created"),),
                                             label="Sort by")

    class Meta:
        model = MetricBatch
        fields: list[str] = []


class MetricThresholdFilterSet(django_filters.FilterSet):
    metric = django_filters.CharFilter(label="Metric")
    model = _id_filter("model_id", "Model id")
    risk_tier = django_filters.MultipleChoiceFilter(choices=RiskTier.choices,
                                                    label="Risk tier (defaults)")
    active = django_filters.BooleanFilter(label="Active")
    q = django_filters.CharFilter(method="search", label="Search")
    ordering = django_filters.OrderingFilter(fields=(("metric", "metric"),
                                                     ("model__name", "model")), label="Sort by")

    class Meta:
        model = MetricThreshold
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(metric__icontains=value) | queryset.filter(
            model__name__icontains=value)


class RetrainingAlertFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=AlertStatus.choices, label="Status")
    breach = django_filters.MultipleChoiceFilter(choices=BreachKind.choices, label="Breach")
    metric = django_filters.CharFilter(label="Metric")
    model = _id_filter("model_version__model_id", "Model id")
    model_version = _id_filter("model_version_id", "Model version id")
    mine = django_filters.BooleanFilter(method="only_mine", label="Only my models")
    q = django_filters.CharFilter(method="search", label="Search")
    ordering = django_filters.OrderingFilter(
        fields=(("opened_at", "opened"), ("degradation", "degradation"), ("metric", "metric")),
        label="Sort by")

    class Meta:
        model = RetrainingAlert
        fields: list[str] = []

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(model_version__model__owner=user)

    def search(self, queryset, name, value):
        return queryset.filter(model_version__model__name__icontains=value) | queryset.filter(
            metric__icontains=value)
