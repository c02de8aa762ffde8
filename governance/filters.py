"""Filters of governance records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from governance.choices import ComplianceOutcome
from governance.models import (
    ComplianceAssessment,
    FrameworkVersion,
    RegulatoryFramework,
    Requirement,
    RequirementResult,
)
from inventory.choices import RiskTier

MAX_ID = 2**63 - 1


def _id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    """A record id, for links that drill down and for the API; hidden on the pages, where
    nobody types an id (the link that set it keeps it in the form)."""
    # Ids within the database's integer range: anything else is a 400, not an overflow.
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1,
                                       max_value=MAX_ID, decimal_places=0,
                                       widget=forms.HiddenInput)


def _framework_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, to_field_name="code", label="Framework",
        queryset=RegulatoryFramework.objects.order_by("short_name"))


class RegulatoryFrameworkFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Name, code, jurisdiction or authority.")
    jurisdiction = django_filters.CharFilter(lookup_expr="icontains", label="Jurisdiction")
    ordering = django_filters.OrderingFilter(
        fields=(("short_name", "short_name"), ("jurisdiction", "jurisdiction"),
                ("updated_at", "updated")), label="Sort by")

    class Meta:
        model = RegulatoryFramework
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)
                               | Q(short_name__icontains=value)
                               | Q(jurisdiction__icontains=value)
                               | Q(authority__icontains=value))


class FrameworkVersionFilterSet(django_filters.FilterSet):
    framework = _framework_filter("framework")
    is_current = django_filters.BooleanFilter(label="In force")
    ordering = django_filters.OrderingFilter(
        fields=(("version", "version"), ("effective_date", "effective_date")), label="Sort by")

    class Meta:
        model = FrameworkVersion
        fields: list[str] = []


class RequirementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Clause, title, summary or evidence.")
    framework = _framework_filter("framework_version__framework")
    framework_version = django_filters.ModelChoiceFilter(
        queryset=FrameworkVersion.objects.all(), label="Framework version id")
    is_current = django_filters.BooleanFilter(label="Revision in force")
    key = django_filters.CharFilter(label="Key")
    evidence_check = django_filters.CharFilter(method="filter_check", label="Evidence check",
                                               help_text="Name of an evidence check it cites.")
    ordering = django_filters.OrderingFilter(
        fields=(("order", "order"), ("clause", "clause"), ("revision", "revision")),
        label="Sort by")

    class Meta:
        model = Requirement
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(clause__icontains=value) | Q(title__icontains=value)
                               | Q(summary__icontains=value) | Q(evidence__icontains=value))

    def filter_check(self, queryset, name, value):
        return queryset.filter(evidence_checks__contains=[value])


class ComplianceAssessmentFilterSet(django_filters.FilterSet):
    framework = _framework_filter("framework")
    status = django_filters.MultipleChoiceFilter(choices=ComplianceOutcome.choices,
                                                 label="Status")
    model = _id_filter("model_id", "Model id")
    model_name = django_filters.CharFilter(field_name="model__name", lookup_expr="icontains",
                                           label="Model name contains")
    risk_tier = django_filters.MultipleChoiceFilter(field_name="model__risk_tier",
                                                    choices=RiskTier.choices, label="Risk tier")
    superseded = django_filters.BooleanFilter(
        method="filter_superseded", label="Superseded statuses",
        help_text="Yes: earlier statuses that a later one replaced; no or unset: the statuses "
                  "in force.")
    assessed_after = django_filters.IsoDateTimeFilter(field_name="assessed_at",
                                                      lookup_expr="gte", label="Assessed after")
    ordering = django_filters.OrderingFilter(
        fields=(("model__name", "model"), ("framework__short_name", "framework"),
                ("status", "status"), ("gap_count", "gaps"), ("assessed_at", "assessed")),
        label="Sort by")

    class Meta:
        model = ComplianceAssessment
        fields: list[str] = []

    @property
    def qs(self):
        queryset = super().qs
        if getattr(self.form, "cleaned_data", {}).get("superseded") is None:
            queryset = queryset.filter(is_current=True)
        return queryset

    def filter_superseded(self, queryset, name, value):
        return queryset.filter(is_current=not value)


class RequirementResultFilterSet(django_filters.FilterSet):
    """The gaps in force (results of current assessments), filtered for drill-down."""

    framework = _framework_filter("assessment__framework")
    requirement = _id_filter("requirement_id", "Requirement id")
    model = _id_filter("assessment__model_id", "Model id")
    model_name = django_filters.CharFilter(field_name="assessment__model__name",
                                           lookup_expr="icontains", label="Model name contains")
    risk_tier = django_filters.MultipleChoiceFilter(field_name="assessment__model__risk_tier",
                                                    choices=RiskTier.choices, label="Risk tier")
    ordering = django_filters.OrderingFilter(
        fields=(("assessment__model__name", "model"), ("requirement__clause", "clause")),
        label="Sort by")

    class Meta:
        model = RequirementResult
        fields: list[str] = []
