"""Admin of the platform's records: job runs, the outbox, worker heartbeats, the access log
and explicit denials. The base classes every app's admin builds on are in `core.admin.base`."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from core.forms import form_errors_from
from core.models import AccessEvent, JobRun, OutboxMessage, PermissionDenial, WorkerHeartbeat
from core.services.access import (
    denial_target_resolve,
    permission_denial_check,
    permission_denial_create,
    permission_denial_lift,
)


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor", "action", "object_repr", "client_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor", "object_repr", "query", "path"]
    date_hierarchy = "occurred_at"
    list_select_related = ["content_type"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "status", "progress", "actor", "created_at", "finished_at"]
    list_filter = ["status", "name"]
    search_fields = ["name", "actor", "task_id"]
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "task_name", "status", "attempts", "actor", "created_at", "sent_at",
                    "completed_at"]
    list_filter = ["status", "task_name"]
    search_fields = ["task_name", "actor", "last_error"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["hostname", "last_seen"]


class PermissionDenialAdminForm(forms.ModelForm):
    """Runs the denial service's checks in `clean()`, so problems show next to the fields."""

    class Meta:
        model = PermissionDenial
        fields = ["content_type", "object_id", "action", "user", "group", "team", "reason"]

    def clean(self):
        cleaned = super().clean()
        content_type = cleaned.get("content_type")
        if content_type is not None:
            try:
                self.record = denial_target_resolve(content_type=content_type,
                                                    object_id=cleaned.get("object_id") or "",
                                                    actor=self.request_user)
                permission_denial_check(content_type=content_type,
                                        action=cleaned.get("action") or "",
                                        reason=cleaned.get("reason") or "")
            except ValidationError as error:
                form_errors_from(self, error)
        return cleaned


@admin.register(PermissionDenial)
class PermissionDenialAdmin(GovernedAdmin):
    """Explicit denials (win over roles and grants), created and lifted through the denial
    service; a denial is never edited, only lifted (deleted, with its history kept)."""

    form = PermissionDenialAdminForm
    list_display = ["__str__", "action", "user", "group", "team", "reason", "created_by",
                    "created_at"]
    list_filter = ["action", "content_type"]
    search_fields = ["reason", "user__username", "group__name", "object_id"]
    list_select_related = ["content_type", "user", "group", "team", "created_by"]
    readonly_fields = ["created_by", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False

    def save_with_service(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = permission_denial_create(
            obj=form.record, action=data["action"], actor=request.user, reason=data["reason"],
            user=data.get("user"), group=data.get("group"), team=data.get("team"))
        obj.pk = saved.pk

    def delete_with_service(self, request, obj) -> None:
        permission_denial_lift(denial=obj, actor=request.user, reason="Lifted in the admin")
