"""Dashboard list of deprecation notices."""

from __future__ import annotations

from core.tables import Column
from core.views.generic import ObjectListView
from inventory.choices import ModelStage, NoticeStatus
from inventory.filters import DeprecationNoticeFilterSet
from inventory.models import DeprecationNotice

__all__ = [
    "DeprecationNoticeListView",
]


class DeprecationNoticeListView(ObjectListView):
    model = DeprecationNotice
    filterset_class = DeprecationNoticeFilterSet
    title = "Deprecation notices"
    description = ("Owners are told before a version is deprecated or archived automatically "
                   "(performance decay, expired validation or approval, planned date).")
    empty_message = "No deprecation or archival has been announced."
    default_sort = "effective_on"
    columns = [
        Column(lambda n: str(n.model_version), "Version"),
        Column("trigger", "Why", sort="trigger"),
        Column("target_stage", "Becomes", badge={ModelStage.DEPRECATED: "warning",
                                                 ModelStage.ARCHIVED: "secondary"}),
        Column("effective_on", "On", sort="effective_on"),
        Column("status", "Status", sort="status", badge={
            NoticeStatus.NOTIFIED: "info", NoticeStatus.APPLIED: "success",
            NoticeStatus.CANCELLED: "secondary", NoticeStatus.REFUSED: "danger"}),
        Column("reason", "Details"),
        Column("notified_at", "Notified", sort="notified_at"),
    ]
