"""Admin of the registration rules: metadata standards, naming conventions, inventory scope
and accounting rules.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin
from inventory.models import AccountingPolicyRule, InventoryScope, MetadataStandard, NamingConvention


@admin.register(MetadataStandard)
class MetadataStandardAdmin(GovernedAdmin):
    list_display = ["__str__", "asset_type", "risk_tier", "required_fields", "active"]
    list_filter = ["asset_type", "risk_tier", "active"]


@admin.register(NamingConvention)
class NamingConventionAdmin(GovernedAdmin):
    list_display = ["asset_type", "description", "pattern", "example"]


@admin.register(InventoryScope)
class InventoryScopeAdmin(GovernedAdmin):
    list_display = ["asset_type", "tracked_artefacts", "description"]


@admin.register(AccountingPolicyRule)
class AccountingPolicyRuleAdmin(GovernedAdmin):
    list_display = ["priority", "name", "origin", "purpose_category", "min_cost", "max_cost",
                    "classification", "active"]
    list_display_links = ["name"]
    list_filter = ["classification", "origin", "active"]
    ordering = ["priority", "id"]
