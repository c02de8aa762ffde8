"""The one source of audit-trail entries for reports: the tamper-evident audit log
(`core.models.AuditEvent`), the same entries the audit trail page lists and
`verify_audit_chain` checks, newest first.

Reports read entries only through `audit_entries`, so every extract shows exactly what the
chain covers, with each entry's number and hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from core.choices import AuditAction, AuditEventKind
from core.models import AuditEvent

__all__ = ["AuditEntry", "audit_entries"]

_ACTION_WORDS = {value: label.lower() for value, label in AuditAction.choices}


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log: its place in the chain, when, who, what, to which record, why."""

    seq: int
    entry_hash: str
    at: datetime
    is_change: bool
    actor: str
    action: str
    record_type: str
    record: str
    reason: str


def audit_entries(start: datetime, end: datetime, *, limit: int) -> tuple[list[AuditEntry], bool]:
    """Entries with `start <= time < end`, newest first, at most `limit` of them (one query).

    Returns:
        The entries, and whether more existed than `limit`.
    """
    rows = list(AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
                .order_by("-seq")
                .values("seq", "entry_hash", "occurred_at", "kind", "action", "content_type_id",
                        "object_id", "object_repr", "actor", "reason", "data")[:limit + 1])
    return [_entry(row) for row in rows[:limit]], len(rows) > limit


def _entry(row: dict) -> AuditEntry:
    is_change = row["kind"] == AuditEventKind.HISTORY
    reason, page = row["reason"], ""
    if not is_change and row["data"]:
        # An access entry's "why" is the search or filter it ran, kept in its details.
        details = json.loads(row["data"])
        reason, page = details.get("query") or "", details.get("path") or ""
    return AuditEntry(
        seq=row["seq"], entry_hash=row["entry_hash"], at=row["occurred_at"],
        is_change=is_change, actor=row["actor"] or "system",
        action=_ACTION_WORDS.get(row["action"], row["action"]),
        record_type=_record_type(row["content_type_id"]),
        record=row["object_repr"] or row["object_id"] or page or "—", reason=reason)


def _record_type(content_type_id: int | None) -> str:
    if content_type_id is None:
        return "page"
    model = ContentType.objects.get_for_id(content_type_id).model_class()  # cached per process
    return str(model._meta.verbose_name) if model else "removed record type"
