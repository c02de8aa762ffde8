"""Admin of deprecation rules and schedules (saved through their services) and of notices
(read-only evidence).
"""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin, ReasonForm
from inventory.models import DeprecationNotice, DeprecationRule, DeprecationSchedule
from inventory.services import deprecation


@admin.register(DeprecationRule)
class DeprecationRuleAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["name", "model", "metric", "direction", "threshold", "consecutive",
                    "notice_days", "active"]
    list_filter = ["active", "direction"]
    search_fields = ["name", "metric"]
    list_select_related = ["model"]
    raw_id_fields = ["model"]
    create_service = staticmethod(deprecation.deprecation_rule_create)
    update_service = staticmethod(deprecation.deprecation_rule_update)
    delete_service = staticmethod(deprecation.deprecation_rule_delete)
    instance_argument = "rule"


@admin.register(DeprecationSchedule)
class DeprecationScheduleAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["model_version", "deprecate_on", "archive_on", "validation_expires_on",
                    "approval_expires_on", "notice_days"]
    search_fields = ["model_version__model__name"]
    list_select_related = ["model_version__model"]
    raw_id_fields = ["model_version"]
    fixed_on_change = ["model_version"]
    create_service = staticmethod(deprecation.deprecation_schedule_create)
    update_service = staticmethod(deprecation.deprecation_schedule_update)
    delete_service = staticmethod(deprecation.deprecation_schedule_delete)
    instance_argument = "schedule"

    def get_readonly_fields(self, request, obj=None):
        """What a record is attached to is fixed once it exists."""
        fixed = list(self.fixed_on_change) if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]


@admin.register(DeprecationNotice)
class DeprecationNoticeAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "trigger", "target_stage", "effective_on", "status",
                    "notified_at"]
    list_filter = ["trigger", "target_stage", "status"]
    search_fields = ["model_version__model__name", "reason"]
    list_select_related = ["model_version__model"]
