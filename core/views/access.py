"""The access log: who viewed sensitive records, downloaded, exported or searched."""

from __future__ import annotations

from core.filters import AccessEventFilterSet
from core.models import AccessEvent
from core.tables import Column
from core.views.generic import ObjectListView

__all__ = ["AccessEventListView"]


class AccessEventListView(ObjectListView):
    model = AccessEvent
    filterset_class = AccessEventFilterSet
    title = "Access log"
    description = ("Who viewed sensitive records, downloaded, exported or searched — "
                   "kept unchangeable, as evidence.")
    empty_message = "No access has been recorded yet."
    default_sort = "-occurred_at"
    columns = [
        Column("occurred_at", "When", sort="occurred_at"),
        Column("actor", "Who", sort="actor"),
        Column("action", "Action", sort="action", badge={
            "view": "secondary", "download": "warning", "export": "info", "search": "light"}),
        Column(lambda e: e.object_repr or "—", "Record"),
        Column("query", "Search or filter"),
        Column("result_count", "Rows"),
        Column("client_address", "Client address"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")
