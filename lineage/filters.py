"""Filters of lineage records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters

from core.filters import id_filter
from lineage.choices import FindingKind, FindingStatus
from lineage.models import IntegrityFinding


class IntegrityFindingFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=FindingKind.choices, label="Kind")
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, label="Status")
    dataset_version = id_filter("dataset_version_id", "Dataset version id")
    model_version = id_filter("model_version_id", "Model version id")
    ordering = django_filters.OrderingFilter(fields=(("created_at", "created"), ("kind", "kind")),
                                             label="Sort by")

    class Meta:
        model = IntegrityFinding
        fields: list[str] = []
