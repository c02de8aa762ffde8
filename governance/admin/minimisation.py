"""Data-minimisation rules in the admin (through the services, which recheck the versions a
rule covers), and the findings, read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from governance.models import MinimisationFinding, MinimisationRule
from governance.services import minimisation

__all__ = ["MinimisationFindingAdmin", "MinimisationRuleAdmin"]


@admin.register(MinimisationRule)
class MinimisationRuleAdmin(GovernedAdmin):
    list_display = ["name", "purpose_category", "domain", "active"]
    list_filter = ["purpose_category", "active"]
    search_fields = ["name", "description"]
    create_service = staticmethod(minimisation.minimisation_rule_create)
    update_service = staticmethod(minimisation.minimisation_rule_update)
    delete_service = staticmethod(minimisation.minimisation_rule_delete)


@admin.register(MinimisationFinding)
class MinimisationFindingAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "feature", "outcome", "blocking", "rule", "checked_at"]
    list_filter = ["outcome", "blocking"]
    list_select_related = ["model_version__model", "rule"]
    search_fields = ["feature", "model_version__model__name"]
