"""Thresholds and priority weights in the admin (configuration, with history, through the
services), retraining alerts as read-only evidence."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from monitoring.models import MetricThreshold, PriorityWeights, RetrainingAlert
from monitoring.services.thresholds import (
    metric_threshold_create,
    metric_threshold_delete,
    metric_threshold_update,
)

__all__ = ["MetricThresholdAdmin", "PriorityWeightsAdmin", "RetrainingAlertAdmin"]


@admin.register(MetricThreshold)
class MetricThresholdAdmin(GovernedAdmin):
    list_display = ["metric", "model", "risk_tier", "direction", "limit", "baseline_tolerance",
                    "decay_after_days", "active"]
    list_filter = ["risk_tier", "direction", "active"]
    search_fields = ["metric", "model__name"]
    list_select_related = ["model"]
    autocomplete_fields = ["model"]
    create_service = staticmethod(metric_threshold_create)
    update_service = staticmethod(metric_threshold_update)
    delete_service = staticmethod(metric_threshold_delete)
    instance_argument = "threshold"


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(GovernedAdmin):
    list_display = ["name", "usage_weight", "impact_weight", "risk_weight", "decay_weight",
                    "usage_metric", "usage_window_days", "decay_full_at"]
    search_fields = ["name"]


@admin.register(RetrainingAlert)
class RetrainingAlertAdmin(ReadOnlyAdmin):
    list_display = ["opened_at", "model_version", "metric", "status", "breach", "current_value",
                    "limit", "baseline", "owner"]
    list_filter = ["status", "breach"]
    search_fields = ["model_version__model__name", "metric"]
    list_select_related = ["model_version__model", "owner"]
