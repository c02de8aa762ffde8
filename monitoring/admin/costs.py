"""Admin of cost records (saved with history through the record services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReasonForm
from monitoring.models import CostRecord


@admin.register(CostRecord)
class CostRecordAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["month", "scope", "model", "deployment", "category", "amount", "project",
                    "reference"]
    list_filter = ["scope", "category", "month"]
    search_fields = ["model__name", "project", "description", "reference"]
    list_select_related = ["model", "deployment__model_version__model"]
    raw_id_fields = ["model", "deployment"]
    readonly_fields = ["source"]
