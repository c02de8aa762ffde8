"""Filters of governance records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from governance.choices import FindingKind, FindingStatus, RealitySourceKind, ReportFormat
from governance.models import Finding, RealityListing, Report

__all__ = ["FindingFilterSet", "RealityListingFilterSet", "ReportFilterSet"]

MAX_ID = 2**63 - 1
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    # Ids within the database's integer range: anything else is a 400, not an overflow.
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1,
                                       max_value=MAX_ID, decimal_places=0)


class FindingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.MultipleChoiceFilter(choices=FindingKind.choices, label="Kind")
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, label="Status")
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label="Owner",
        to_field_name="username")
    owner_id = _id_filter("owner_id", "Owner id")
    model = _id_filter("model_id", "Model id")
    model_version = _id_filter("model_version_id", "Model version id")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt",
                                           label="Due before", widget=DATE_INPUT)
    found_after = django_filters.DateFilter(field_name="first_seen_at", lookup_expr="date__gte",
                                            label="Found on or after", widget=DATE_INPUT)
    found_before = django_filters.DateFilter(field_name="first_seen_at", lookup_expr="date__lt",
                                             label="Found before", widget=DATE_INPUT)
    ordering = django_filters.OrderingFilter(
        fields=(("first_seen_at", "found"), ("due_on", "due"), ("kind", "kind"),
                ("status", "status"), ("owner__username", "owner")),
        label="Sort by")

    class Meta:
        model = Finding
        fields: list[str] = []

    def search(self, queryset, name: str, value: str):
        return queryset.filter(Q(subject__icontains=value) | Q(detail__icontains=value)
                               | Q(source__icontains=value)) if value else queryset

    def filter_overdue(self, queryset, name: str, value):
        from django.utils import timezone

        if value is None:
            return queryset
        late = Q(due_on__lt=timezone.localdate()) & ~Q(status=FindingStatus.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)


class RealityListingFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=RealitySourceKind.choices, label="Kind")
    source = django_filters.CharFilter(lookup_expr="iexact", label="Source")
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte",
                                               label="Received on or after")
    ordering = django_filters.OrderingFilter(fields=(("received_at", "received"),),
                                             label="Sort by")

    class Meta:
        model = RealityListing
        fields: list[str] = []


def _template_choices() -> list[tuple[str, str]]:
    from governance.services.reports import REPORT_TEMPLATES

    return [(key, template.title) for key, template in REPORT_TEMPLATES.items()]


class ReportFilterSet(django_filters.FilterSet):
    template = django_filters.ChoiceFilter(choices=_template_choices, label="Report")
    file_format = django_filters.MultipleChoiceFilter(field_name="format", choices=ReportFormat.choices,
                                                      label="Format")
    schedule = _id_filter("schedule_id", "Schedule id")
    generated_after = django_filters.DateFilter(field_name="generated_at", lookup_expr="date__gte",
                                                label="Generated on or after",
                                                widget=DATE_INPUT)
    generated_before = django_filters.DateFilter(field_name="generated_at", lookup_expr="date__lt",
                                                 label="Generated before", widget=DATE_INPUT)
    ordering = django_filters.OrderingFilter(fields=(("generated_at", "generated"),),
                                             label="Sort by")

    class Meta:
        model = Report
        fields: list[str] = []
