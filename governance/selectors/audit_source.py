"""The one source of audit-trail entries for reports: every history row of every governed
record and every access event in a period, newest first.

Reports read entries only through `audit_entries`, so the source can change (for example to
a single append-only audit log) without touching a report.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.apps import apps

from core.models import AccessEvent
from core.models.governed import GovernedModel

__all__ = ["AuditEntry", "audit_entries"]

_CHANGE_WORDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class AuditEntry:
    """One thing that happened to a record: when, who, what, to which record, and why."""

    at: datetime
    actor: str
    action: str
    record_type: str
    record: str
    reason: str


def audit_entries(start: datetime, end: datetime, *, limit: int) -> tuple[list[AuditEntry], bool]:
    """Entries with `start <= time < end`, newest first, at most `limit` of them.

    Returns:
        The entries, and whether more existed than `limit`.
    """
    streams = [_history_entries(model, start, end, limit) for model in _governed_models()]
    streams.append(_access_entries(start, end, limit))
    merged = heapq.merge(*streams, key=lambda entry: entry.at, reverse=True)
    entries = list(islice(merged, limit + 1))
    return entries[:limit], len(entries) > limit


def _governed_models() -> list[type[GovernedModel]]:
    return [model for model in apps.get_models()
            if issubclass(model, GovernedModel) and hasattr(model, "history")]


def _history_entries(model, start, end, limit: int):
    history = model.history.model
    label = model._meta.verbose_name
    named = "name" in {f.name for f in model._meta.concrete_fields}
    fields = ["history_date", "history_actor", "history_type", "history_change_reason", "id",
              *(["name"] if named else [])]
    rows = (history.objects.filter(history_date__gte=start, history_date__lt=end)
            .order_by("-history_date", "-history_id").values(*fields)[:limit])
    for row in rows.iterator(chunk_size=2000):
        yield AuditEntry(
            at=row["history_date"], actor=row["history_actor"] or "system",
            action=_CHANGE_WORDS.get(row["history_type"], row["history_type"]),
            record_type=label,
            record=row["name"] if named and row.get("name") else f"{label} #{row['id']}",
            reason=row["history_change_reason"] or "")


def _access_entries(start, end, limit: int):
    rows = (AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
            .order_by("-occurred_at", "-id").select_related("content_type")[:limit])
    for event in rows.iterator(chunk_size=2000):
        record_type = (event.content_type.model_class()._meta.verbose_name
                       if event.content_type and event.content_type.model_class() else "page")
        yield AuditEntry(at=event.occurred_at, actor=event.actor,
                         action=event.get_action_display().lower(), record_type=record_type,
                         record=event.object_repr or event.path,
                         reason=event.query)
