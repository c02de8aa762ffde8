"""Filters of lineage records, shared by the API and the dashboards."""

from __future__ import annotations

import django_filters

from lineage.choices import FindingKind, FindingStatus
from lineage.models import IntegrityFinding

MAX_ID = 2**63 - 1


class IntegrityFindingFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=FindingKind.choices, label="Kind")
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, label="Status")
    # Ids within the database's integer range: anything else is a 400, not an overflow.
    dataset_version = django_filters.NumberFilter(field_name="dataset_version_id",
                                                  label="Dataset version id", min_value=1,
                                                  max_value=MAX_ID, decimal_places=0)
    model_version = django_filters.NumberFilter(field_name="model_version_id",
                                                label="Model version id", min_value=1,
                                                max_value=MAX_ID, decimal_places=0)
    ordering = django_filters.OrderingFilter(fields=(("created_at", "created"), ("kind", "kind")),
                                             label="Sort by")

    class Meta:
        model = IntegrityFinding
        fields: list[str] = []
