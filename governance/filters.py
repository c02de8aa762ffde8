"""Filters of governance records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from governance.choices import ApprovalStatus, MinimisationOutcome
from governance.models import ApprovalRequest, GatedStage, MinimisationFinding, MinimisationRule
from governance.selectors.approvals import inbox
from inventory.choices import PurposeCategory

MAX_ID = 2**63 - 1

# A yes/no filter whose empty choice reads "Any" (not "Unknown").
YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]

BOXES = [("waiting", "Waiting for me"), ("mine", "Requested by me"), ("overdue", "Overdue")]


def _id_filter(field_name: str, label: str) -> django_filters.NumberFilter:
    # Ids within the database's integer range: anything else is a 400, not an overflow.
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1,
                                       max_value=MAX_ID, decimal_places=0)


class ApprovalRequestFilterSet(django_filters.FilterSet):
    box = django_filters.ChoiceFilter(choices=BOXES, method="filter_box", label="Show",
                                      empty_label="All requests")
    status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices, label="Status")
    to_stage = django_filters.ChoiceFilter(choices=GatedStage.choices, label="Into stage")
    model_version = _id_filter("model_version_id", "Model version id")
    model = _id_filter("model_version__model_id", "Model id")
    q = django_filters.CharFilter(method="filter_q", label="Search")
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("due_at", "due"), ("status", "status")),
        label="Sort by")

    class Meta:
        model = ApprovalRequest
        fields: list[str] = []

    def filter_box(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return inbox(user, queryset, value) if user is not None and value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(model_version__model__name__icontains=value)
                               | Q(reason__icontains=value))


class MinimisationRuleFilterSet(django_filters.FilterSet):
    purpose_category = django_filters.ChoiceFilter(choices=PurposeCategory.choices,
                                                   label="Purpose")
    domain = django_filters.CharFilter(lookup_expr="iexact", label="Domain")
    active = django_filters.BooleanFilter(label="Active")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    ordering = django_filters.OrderingFilter(fields=(("name", "name"),), label="Sort by")

    class Meta:
        model = MinimisationRule
        fields: list[str] = []


class MinimisationFindingFilterSet(django_filters.FilterSet):
    outcome = django_filters.MultipleChoiceFilter(choices=MinimisationOutcome.choices,
                                                  label="Outcome")
    blocking = django_filters.BooleanFilter(label="Blocks promotion",
                                            widget=forms.Select(choices=YES_NO))
    rule = django_filters.ModelChoiceFilter(queryset=MinimisationRule.objects.all(),
                                            label="Rule", empty_label="Any rule")
    q = django_filters.CharFilter(method="filter_q", label="Model or input")

    class Meta:
        model = MinimisationFinding
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(model_version__model__name__icontains=value)
                               | Q(feature__icontains=value))
