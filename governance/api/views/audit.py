"""The audit log under /api/v1/audit-events/: read-only, searchable like the audit trail page."""

from __future__ import annotations

from core.api.viewsets import RestrictedReadOnlyViewSet
from core.models import AuditEvent
from governance.api.serializers.audit import AuditEventSerializer
from governance.filters import AuditEventFilterSet
from governance.selectors.audit import audit_rows

__all__ = ["AuditEventViewSet"]


class AuditEventViewSet(RestrictedReadOnlyViewSet):
    """Entries of the tamper-evident audit log: every change to a governed record and every
    access, newest first, with their SHA-256 chain and the fields each change set."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["seq", "occurred_at"]

    # Field-level changes need each entry's predecessor: fetched for a whole page at once
    # (two queries), never entry by entry.
    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._audit_rows = audit_rows(page if page is not None else queryset)
        return page

    def get_object(self) -> AuditEvent:
        event = super().get_object()
        self._audit_rows = audit_rows([event])
        return event

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["audit_rows"] = {row.event.seq: row for row in getattr(self, "_audit_rows", [])}
        return context
