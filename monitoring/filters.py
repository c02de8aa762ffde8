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
           "MonitoringRequirementFilterSet"]


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

    class Meta:
        model = DeploymentEvent
        fields = ["kind", "outcome", "environment", "region", "segment", "model_version",
                  "deployment"]


class HealthFindingFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=HealthFindingStatus.choices)
    problem = django_filters.MultipleChoiceFilter(choices=HealthProblem.choices)
    environment = django_filters.MultipleChoiceFilter(
        field_name="deployment__environment", choices=DeploymentEnvironment.choices)
    region = django_filters.CharFilter(field_name="deployment__region")
    model = django_filters.CharFilter(field_name="model_version__model__name",
                                      lookup_expr="icontains", label="Model (contains)")

    class Meta:
        model = HealthFinding
        fields = ["status", "problem", "deployment", "model_version"]


class MonitoringRequirementFilterSet(django_filters.FilterSet):
    risk_tier = django_filters.MultipleChoiceFilter(choices=RiskTier.choices)

    class Meta:
        model = MonitoringRequirement
        fields = ["risk_tier", "model"]


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

    class Meta:
        model = CostRecord
        fields = ["month", "scope", "category", "project", "model", "deployment", "reference"]
