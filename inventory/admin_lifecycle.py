"""Admin of issue 4's lifecycle records: retention, legal holds, deprecation triggers,
deployments, webhooks and the webhook delivery log.

Configuration records save through their services (history with the admin user and the
reason typed in the form); evidence (purge records, notices, metric observations, the
delivery log) is read-only. Imported by `inventory/admin.py`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from inventory.models import (
    Deployment,
    DeprecationNotice,
    DeprecationRule,
    DeprecationSchedule,
    LegalHold,
    MetricObservation,
    PurgeRecord,
    RetentionPolicy,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from inventory.services import deprecation, retention, webhooks


class ReasonForm(forms.ModelForm):
    """Every change says why (kept in the record's history)."""

    change_reason = forms.CharField(required=False, max_length=500,
                                    help_text="Why this change is made; kept in the history.")


class ServiceAdmin(GovernedAdmin):
    """Saves and deletes through `create`/`update`/`delete` services named on the class;
    a service refusal becomes a message, never a 500."""

    form = ReasonForm
    create_service = staticmethod(lambda **kwargs: None)
    update_service = staticmethod(lambda **kwargs: None)
    delete_service = staticmethod(lambda **kwargs: None)
    instance_argument = "instance"

    def _data(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form.changed_data
                if name != "change_reason" and name in {f.name for f in self.model._meta.fields}}

    def save_with_service(self, request, obj, form, change) -> None:
        """The form already ran the model's validation (ModelForm), which is all a new
        record is checked against; an update refused by its service becomes a message."""
        reason = form.cleaned_data.get("change_reason") or (
            "Changed in the admin" if change else "Created in the admin")
        fields = {f.name for f in self.model._meta.fields}
        if not change:
            data = {name: value for name, value in form.cleaned_data.items() if name in fields}
            obj.pk = self.create_service(actor=request.user, reason=reason, data=data).pk
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        try:
            self.update_service(**{self.instance_argument: obj}, actor=request.user,
                                reason=reason, data=data)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)

    def get_readonly_fields(self, request, obj=None):
        """What a record is attached to is fixed once it exists."""
        fixed = list(getattr(self, "fixed_on_change", ()))
        return [*super().get_readonly_fields(request, obj), *(fixed if obj else [])]

    def delete_with_service(self, request, obj) -> None:
        self.delete_service(**{self.instance_argument: obj}, actor=request.user,
                            reason="Deleted in the admin")


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(ServiceAdmin):
    list_display = ["name", "asset_type", "regulation", "stage", "retain_days", "active"]
    list_filter = ["asset_type", "stage", "active", "regulation"]
    search_fields = ["name", "description"]
    list_select_related = ["regulation"]
    create_service = staticmethod(retention.retention_policy_create)
    update_service = staticmethod(retention.retention_policy_update)
    delete_service = staticmethod(retention.retention_policy_delete)
    instance_argument = "policy"


@admin.register(LegalHold)
class LegalHoldAdmin(ServiceAdmin):
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


@admin.register(DeprecationRule)
class DeprecationRuleAdmin(ServiceAdmin):
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
class DeprecationScheduleAdmin(ServiceAdmin):
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


@admin.register(DeprecationNotice)
class DeprecationNoticeAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "trigger", "target_stage", "effective_on", "status",
                    "notified_at"]
    list_filter = ["trigger", "target_stage", "status"]
    search_fields = ["model_version__model__name", "reason"]
    list_select_related = ["model_version__model"]


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    """Deployments are reported by pipelines (`/api/v1/cicd/deployments/`)."""

    list_display = ["model_version", "environment", "region", "segment", "status",
                    "endpoint", "deployed_at"]
    list_filter = ["environment", "status", "region"]
    search_fields = ["model_version__model__name", "endpoint", "region", "segment"]
    list_select_related = ["model_version__model"]


@admin.register(MetricObservation)
class MetricObservationAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "name", "kind", "value", "observed_at", "source"]
    list_filter = ["kind", "name"]
    search_fields = ["model_version__model__name", "name", "source"]
    list_select_related = ["model_version__model"]


class WebhookAdminForm(ReasonForm):
    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "events", "active", "max_attempts"]
        widgets = {"secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].required = self.instance.pk is None
        self.fields["secret"].help_text = (
            "Shared signing secret (at least 16 characters); leave empty to keep the current one.")

    def clean_secret(self) -> str:
        return self.cleaned_data.get("secret") or self.instance.secret


@admin.register(Webhook)
class WebhookAdmin(ServiceAdmin):
    form = WebhookAdminForm
    list_display = ["name", "url", "active", "max_attempts", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    create_service = staticmethod(webhooks.webhook_create)
    update_service = staticmethod(webhooks.webhook_update)
    delete_service = staticmethod(webhooks.webhook_delete)
    instance_argument = "webhook"

    def get_history_list_display(self, request):
        return ["url", "active"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["number", "attempted_at", "response_status", "error", "duration_ms",
              "response_body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: every event to every webhook, each HTTP attempt inline."""

    list_display = ["created_at", "event", "webhook", "status", "attempts",
                    "last_response_status", "next_attempt_at"]
    list_filter = ["status", "event", "webhook"]
    search_fields = ["delivery_id", "event", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["webhook"]
    inlines = [WebhookAttemptInline]
