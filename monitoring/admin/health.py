"""Admin of monitoring requirements (saved with history) and health findings (read-only:
raised and resolved by the health check job)."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin, ReasonForm
from monitoring.models import HealthFinding, MonitoringRequirement


@admin.register(MonitoringRequirement)
class MonitoringRequirementAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["__str__", "risk_tier", "model", "expected_interval_minutes",
                    "required_metrics"]
    list_filter = ["risk_tier"]
    search_fields = ["model__name", "description"]
    list_select_related = ["model"]
    raw_id_fields = ["model"]


@admin.register(HealthFinding)
class HealthFindingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "problem", "status", "deployment", "resolved_at"]
    list_filter = ["status", "problem"]
    search_fields = ["model_version__model__name", "detail"]
    list_select_related = ["deployment__model_version__model"]
