"""Admin of retention policies and legal holds (saved through their services) and of purge
records (read-only evidence).
"""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin, ReasonForm
from inventory.models import LegalHold, PurgeRecord, RetentionPolicy
from inventory.services import retention


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["name", "asset_type", "regulation", "stage", "retain_days", "active"]
    list_filter = ["asset_type", "stage", "active", "regulation"]
    search_fields = ["name", "description"]
    list_select_related = ["regulation"]
    create_service = staticmethod(retention.retention_policy_create)
    update_service = staticmethod(retention.retention_policy_update)
    delete_service = staticmethod(retention.retention_policy_delete)
    instance_argument = "policy"


@admin.register(LegalHold)
class LegalHoldAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["reference", "model", "model_version", "dataset", "dataset_version",
                    "placed_by", "created_at", "released_at"]
    list_filter = ["released_at"]
    search_fields = ["reference", "reason"]
    list_select_related = ["model", "model_version__model", "dataset",
                           "dataset_version__dataset", "placed_by"]
    raw_id_fields = ["model", "model_version", "dataset", "dataset_version"]
    readonly_fields = ["placed_by", "released_at", "release_reason"]
    fixed_on_change = LegalHold.TARGETS
    actions = ["release_holds"]
    create_service = staticmethod(retention.legal_hold_place)
    update_service = staticmethod(retention.legal_hold_update)
    delete_service = staticmethod(retention.legal_hold_delete)
    instance_argument = "hold"

    def get_readonly_fields(self, request, obj=None):
        """What a record is attached to is fixed once it exists."""
        fixed = list(self.fixed_on_change) if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    @admin.action(description="Release the selected holds (reason: “Released in the admin”)",
                  permissions=["change"])
    def release_holds(self, request, queryset) -> None:
        for hold in queryset.filter(released_at__isnull=True):
            retention.legal_hold_release(hold=hold, actor=request.user,
                                         reason="Released in the admin")


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdmin):
    list_display = ["purged_at", "artifact_uri", "size", "policy", "retained_until", "actor"]
    list_filter = ["policy"]
    search_fields = ["artifact_uri", "storage_name", "actor"]
    date_hierarchy = "purged_at"
    list_select_related = ["policy"]
