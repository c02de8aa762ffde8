"""Compliance statuses in the admin: evidence computed by the recompute, read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from governance.models import ComplianceAssessment, RequirementResult

__all__ = ["ComplianceAssessmentAdmin"]


class RequirementResultInline(admin.TabularInline):
    model = RequirementResult
    fields = ["requirement", "outcome", "missing"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "requirement__framework_version__framework")


@admin.register(ComplianceAssessment)
class ComplianceAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["model", "framework", "framework_version", "status", "gap_count",
                    "is_current", "assessed_at"]
    list_filter = ["status", "is_current", "framework"]
    list_select_related = ["model", "framework", "framework_version__framework"]
    search_fields = ["model__name", "framework__short_name", "trigger"]
    inlines = [RequirementResultInline]
