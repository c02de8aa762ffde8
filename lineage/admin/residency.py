"""Residency rules in the admin: configuration kept by compliance officers, with history
(the governed admin writes through the record services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin
from lineage.models import ResidencyRule

__all__ = ["ResidencyRuleAdmin"]


@admin.register(ResidencyRule)
class ResidencyRuleAdmin(GovernedAdmin):
    list_display = ["data_region", "allowed_regions", "description"]
    search_fields = ["data_region", "description"]
