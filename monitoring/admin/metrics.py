"""Metric roll-ups and batch receipts in the admin: evidence, read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from monitoring.models import MetricBatch, MetricRollup

__all__ = ["MetricBatchAdmin", "MetricRollupAdmin"]


@admin.register(MetricRollup)
class MetricRollupAdmin(ReadOnlyAdmin):
    list_display = ["bucket_start", "granularity", "model_version", "deployment", "name", "kind",
                    "count", "minimum", "maximum"]
    list_filter = ["granularity", "kind"]
    search_fields = ["model_version__model__name", "name"]
    list_select_related = ["model_version__model", "deployment"]
    date_hierarchy = None


@admin.register(MetricBatch)
class MetricBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "submitted_by", "source", "row_count", "first_observed_at",
                    "last_observed_at"]
    search_fields = ["source", "submitted_by__username"]
    list_select_related = ["submitted_by"]
