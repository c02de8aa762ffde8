"""Admin of webhooks (saved through their services) and of the delivery log (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

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
        # Write-only: the stored secret is never put back into the page.
        self.fields["secret"].required = False
        # The field's default is callable, so Django would echo the value in a hidden input.
        self.fields["secret"].show_hidden_initial = False
        self.fields["secret"].label = "New signing secret" if self.instance.pk else "Signing secret"
        self.fields["secret"].help_text = (
            "Type a new secret (at least 16 characters) to rotate it; leave empty to keep "
            "the current one." if self.instance.pk else
            "At least 16 characters; leave empty to have one generated. It is shown once, "
            "after saving, and never again.")

    def clean_secret(self) -> str:
        # A new webhook's instance already holds a generated secret (the field's default).
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.pk is not None:
            secret = Webhook.objects.values_list("secret", flat=True).get(pk=obj.pk)
            self.message_user(request, format_html(
                "Signing secret of “{}”: <code>{}</code>. Copy it now: it is shown only "
                "this once (type a new one on the webhook's page to rotate it).",
                obj.name, secret), messages.WARNING)


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
