"""OpenLineage events in the admin: evidence as received, read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from lineage.models import LineageEvent

__all__ = ["LineageEventAdmin"]


@admin.register(LineageEvent)
class LineageEventAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "event_type", "event_time", "producer", "received_at"]
    list_filter = ["event_type"]
    search_fields = ["job_namespace", "job_name", "run_id"]
    date_hierarchy = "event_time"
