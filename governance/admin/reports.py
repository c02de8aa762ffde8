"""Reports in the admin: generated reports are read-only evidence; schedules are saved
through the reports service, which keeps their beat task (Periodic tasks) in step."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from governance.models import Report, ReportSchedule
from governance.services.reports import (
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
)

__all__ = ["ReportAdmin", "ReportScheduleAdmin"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "format", "generated_at", "requested_by_actor", "row_count",
                    "sha256"]
    list_filter = ["format", "template"]
    list_select_related = ["requested_by", "schedule"]
    search_fields = ["title", "sha256", "requested_by_actor"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(GovernedAdmin):
    list_display = ["name", "template", "format", "every", "period", "enabled", "owner"]
    list_filter = ["template", "enabled", "period"]
    list_select_related = ["owner", "periodic_task"]
    search_fields = ["name"]
    exclude = ["owner"]
    create_service = staticmethod(report_schedule_create)
    update_service = staticmethod(report_schedule_update)
    delete_service = staticmethod(report_schedule_delete)
    instance_argument = "schedule"
