"""Approvals in the admin: policies are edited here (with history); requests and their
decisions are evidence, read-only (they are taken in the dashboards and the API)."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin, ReasonForm
from governance.models import ApprovalDecision, ApprovalPolicy, ApprovalRequest

__all__ = ["ApprovalPolicyAdmin", "ApprovalRequestAdmin"]


class ApprovalPolicyForm(ReasonForm):
    class Meta:
        model = ApprovalPolicy
        fields = "__all__"


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(GovernedAdmin):
    form = ApprovalPolicyForm
    list_display = ["__str__", "approvals_required", "approver_roles", "cab_required",
                    "review_within_hours", "expires_after_days", "reapprove_on_change"]
    list_filter = ["risk_tier", "to_stage", "cab_required"]


class ApprovalDecisionInline(admin.TabularInline):
    model = ApprovalDecision
    fields = ["approver", "decision", "comment", "roles", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "requested_by", "due_at", "expires_at", "created_at"]
    list_filter = ["status", "to_stage"]
    list_select_related = ["model_version__model", "requested_by"]
    search_fields = ["model_version__model__name", "reason"]
    inlines = [ApprovalDecisionInline]
