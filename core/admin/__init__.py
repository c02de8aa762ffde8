"""Admin of the platform's records: job runs, the outbox, worker heartbeats, the access log
and explicit denials. The base classes every app's admin builds on are in `core.admin.base`."""

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from core.models import AccessEvent, JobRun, OutboxMessage, PermissionDenial, WorkerHeartbeat


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


@admin.register(PermissionDenial)
class PermissionDenialAdmin(admin.ModelAdmin):
    """Explicit denials (win over roles and grants); who recorded each is kept."""

    list_display = ["__str__", "action", "user", "group", "reason", "created_by", "created_at"]
    list_filter = ["action", "content_type"]
    search_fields = ["reason", "user__username", "group__name", "object_id"]
    list_select_related = ["content_type", "user", "group", "created_by"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
