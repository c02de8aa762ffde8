"""FilterSets of the monitoring records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters

from inventory.choices import DeploymentEnvironment, RiskTier
from monitoring.choices import (
    CostCategory,
    CostScope,
    DeploymentEventKind,
    DeploymentEventOutcome,
    HealthFindingStatus,
    HealthProblem,
)
from monitoring.models import CostRecord, DeploymentEvent, HealthFinding, MonitoringRequirement

__all__ = ["CostRecordFilterSet", "DeploymentEventFilterSet", "HealthFindingFilterSet",
           "MonitoringRequirementFilterSet", "for_pages"]

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
