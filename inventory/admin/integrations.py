"""Admin of webhooks (saved through their services) and of the delivery log (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin, ReasonForm
from inventory.models import Webhook, WebhookAttempt, WebhookDelivery
from inventory.services import integrations


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
class WebhookAdmin(GovernedAdmin):
    form = WebhookAdminForm
    list_display = ["name", "url", "active", "max_attempts", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    create_service = staticmethod(integrations.webhook_create)
    update_service = staticmethod(integrations.webhook_update)
    delete_service = staticmethod(integrations.webhook_delete)
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
