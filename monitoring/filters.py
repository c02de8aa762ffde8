"""FilterSets of the monitoring records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters

from core.filters import id_filter
from inventory.choices import DeploymentEnvironment, MetricKind, RiskTier
from monitoring.choices import (
    AlertStatus,
    BreachKind,
    CostCategory,
    CostScope,
    DeploymentEventKind,
    DeploymentEventOutcome,
    Granularity,
    HealthFindingStatus,
    HealthProblem,
)
from monitoring.models import (
    CostRecord,
    DeploymentEvent,
    HealthFinding,
    MetricBatch,
    MetricRollup,
    MetricThreshold,
    MonitoringRequirement,
    RetrainingAlert,
)

__all__ = ["CostRecordFilterSet", "DeploymentEventFilterSet", "HealthFindingFilterSet",
           "MetricBatchFilterSet", "MetricRollupFilterSet", "MetricThresholdFilterSet",
           "MonitoringRequirementFilterSet", "RetrainingAlertFilterSet", "for_pages"]

# Filters by record id, for automation: pages leave them out (a person picks by name).
ID_FILTERS = ("model_version", "deployment", "model")


def _by_id(field_name: str, label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=f"{field_name}_id", label=label)


def for_pages(filterset: type[django_filters.FilterSet]) -> type[django_filters.FilterSet]:
    """`filterset` without its id filters, for the dashboard filter panels."""
    page = type(f"{filterset.__name__}Page", (filterset,), {})
    for name in ID_FILTERS:
        page.base_filters.pop(name, None)
    return page


class DeploymentEventFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=DeploymentEventKind.choices)
    outcome = django_filters.MultipleChoiceFilter(choices=DeploymentEventOutcome.choices)
    environment = django_filters.MultipleChoiceFilter(choices=DeploymentEnvironment.choices)
    region = django_filters.CharFilter()
    segment = django_filters.CharFilter()
    model = django_filters.CharFilter(field_name="model_version__model__name",
                                      lookup_expr="icontains", label="Model (contains)")
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at",
                                                      lookup_expr="gte", label="Received from")
    model_version = _by_id("model_version", "Model version id")
    deployment = _by_id("deployment", "Deployment id")

    class Meta:
        model = DeploymentEvent
        fields = ["kind", "outcome", "environment", "region", "segment"]


class HealthFindingFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=HealthFindingStatus.choices)
    problem = django_filters.MultipleChoiceFilter(choices=HealthProblem.choices)
    environment = django_filters.MultipleChoiceFilter(
        field_name="deployment__environment", choices=DeploymentEnvironment.choices)
    region = django_filters.CharFilter(field_name="deployment__region")
    model = django_filters.CharFilter(field_name="model_version__model__name",
                                      lookup_expr="icontains", label="Model (contains)")
    model_version = _by_id("model_version", "Model version id")
    deployment = _by_id("deployment", "Deployment id")

    class Meta:
        model = HealthFinding
        fields = ["status", "problem"]


class MonitoringRequirementFilterSet(django_filters.FilterSet):
    risk_tier = django_filters.MultipleChoiceFilter(choices=RiskTier.choices)
    model = _by_id("model", "Model id")

    class Meta:
        model = MonitoringRequirement
        fields = ["risk_tier"]


class CostRecordFilterSet(django_filters.FilterSet):
    month = django_filters.DateFilter(help_text="The month's first day, e.g. 2026-03-01.")
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte",
                                           label="From month")
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte",
                                         label="To month")
    scope = django_filters.MultipleChoiceFilter(choices=CostScope.choices)
    category = django_filters.MultipleChoiceFilter(choices=CostCategory.choices)
    project = django_filters.CharFilter()
    business_unit = django_filters.CharFilter(field_name="model__team__business_unit",
                                              label="Business unit")
    model_name = django_filters.CharFilter(field_name="model__name", lookup_expr="icontains",
                                           label="Model (contains)")
    model = _by_id("model", "Model id")
    deployment = _by_id("deployment", "Deployment id")

    class Meta:
        model = CostRecord
        fields = ["month", "scope", "category", "project", "reference"]


class MetricRollupFilterSet(django_filters.FilterSet):
    granularity = django_filters.ChoiceFilter(choices=Granularity.choices, label="Granularity")
    kind = django_filters.MultipleChoiceFilter(choices=MetricKind.choices, label="Kind")
    name = django_filters.CharFilter(label="Metric name")
    model = id_filter("model_version__model_id", "Model id")
    model_version = id_filter("model_version_id", "Model version id")
    deployment = id_filter("deployment_id", "Deployment id")
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
    model = id_filter("model_id", "Model id")
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
    model = id_filter("model_version__model_id", "Model id")
    model_version = id_filter("model_version_id", "Model version id")
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
