"""Admin of the inventory app."""

from django.contrib import admin

from inventory.base.admin import ReadOnlyAdmin
from inventory.models import AccessEvent, JobRun, OutboxMessage, WorkerHeartbeat


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
