"""The audit trail: one search over the tamper-evident audit log (every change to a governed
record and every access), each change shown field by field, exportable as CSV and PDF."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.choices import AccessAction
from core.exports import csv_safe, streaming_csv_writer
from core.menu import Alert, MenuItem, register_alert, register_menu_item
from core.models import AuditEvent
from core.pdf import pdf_response
from core.services.audit import access_event_record
from core.services.audit_chain import audit_chain_status
from core.tables import Column
from core.views.generic import ObjectListView
from governance.filters import AuditEventFilterSet
from governance.selectors.audit import audit_rows, audit_rows_streamed

__all__ = ["AuditTrailView", "register_audit_trail"]

# A PDF is a document to read and keep, not a data dump: longer extracts are CSV.
PDF_MAX_ENTRIES = 2000


class AuditTrailView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    template_name = "governance/auditevent_list.html"
    title = "Audit trail"
    description = ("Every change to a governed record and every access, in the order they "
                   "happened, in a log whose entries are chained by SHA-256 so that any "
                   "alteration shows.")
    empty_message = "No entry matches these filters."
    default_sort = "-seq"
    # Sorting keeps the log's order (the time order), newest or oldest first.
    columns = [
        Column("seq", "Entry", sort="seq"),
        Column("occurred_at", "When"),
        Column("actor", "Who"),
        Column("action", "Action"),
        Column("record_label", "Record"),
        Column("reason", "Why"),
    ]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "pdf":
            _filterset, queryset = self.filtered()
            return self.export_pdf(queryset)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["entries"] = audit_rows(context["page_obj"].object_list)
        context["chain"] = audit_chain_status()
        query = self.request.GET.copy()
        for key in ("page", "export"):
            query.pop(key, None)
        context["export_query"] = query.urlencode()
        return context

    def as_of_now(self, queryset):
        """The entries written so far: the export's own access event, written next, is in
        the log but not in the export it records."""
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        return queryset.filter(seq__lte=last or 0)

    def export_csv(self, queryset) -> StreamingHttpResponse:
        queryset = self.as_of_now(queryset)
        access_event_record(request=self.request, action=AccessAction.EXPORT,
                            query=self.request.GET.urlencode(), result_count=queryset.count())

        writer = streaming_csv_writer()
        header = ["Entry", "When (UTC)", "Who", "Action", "Record type", "Record id", "Record",
                  "Why", "Changes or details", "Entry SHA-256"]

        def lines():
            yield writer.writerow(header)
            for row in audit_rows_streamed(queryset):
                event = row.event
                yield writer.writerow([csv_safe(value) for value in (
                    event.seq, event.occurred_at.isoformat(), event.actor,
                    event.get_action_display(),
                    event.content_type.name if event.content_type_id else "",
                    event.object_id, event.object_repr, event.reason, row.summary,
                    event.entry_hash)])

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        return response

    def export_pdf(self, queryset) -> HttpResponse:
        queryset = self.as_of_now(queryset)
        total = queryset.count()
        access_event_record(request=self.request, action=AccessAction.EXPORT,
                            query=self.request.GET.urlencode(), result_count=total)
        entries = audit_rows(queryset[:PDF_MAX_ENTRIES])
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return pdf_response(self.request, "governance/auditevent_pdf.html", {
            "entries": entries, "total": total, "shown": len(entries),
            "filters": _filters_described(self.request.GET), "chain": audit_chain_status(),
            "requested_by": self.request.user.get_username(),
            "time_zone": settings.TIME_ZONE,
        }, f"audit-trail-{stamp}.pdf")


def _filters_described(query) -> list[tuple[str, str]]:
    labels = {name: f.label or name for name, f in AuditEventFilterSet.base_filters.items()}
    return [(str(labels.get(key, key)), ", ".join(values)) for key, values in query.lists()
            if key in labels and any(values)]


def _chain_broken_message(user) -> str | None:
    status = audit_chain_status()
    if status is None or status.intact:
        return None
    return (f"The audit log is broken at entry #{status.broken_seq} (found "
            f"{timezone.localtime(status.started_at):%Y-%m-%d %H:%M}). {status.problem} "
            "Entries from there on cannot be trusted until the cause is found.")


def register_audit_trail() -> None:
    """Menu entry and the home dashboard's alert for a broken chain."""
    register_menu_item(MenuItem("Governance", "Audit trail", "governance:auditevent_list",
                                "core.view_auditevent",
                                "Every change and access, searchable, with CSV and PDF extracts"))
    register_alert(Alert(
        key="audit-chain-broken", message=_chain_broken_message,
        url=lambda: reverse("governance:auditevent_list"), link_text="Open the audit trail",
        permission="core.view_auditevent"))
