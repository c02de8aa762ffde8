"""Reads of the audit log for the audit trail page, its exports and the API: each entry
with what changed, field by field, against the record's previous entry in the log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Subquery

from core.choices import AuditAction, AuditEventKind
from core.history import IGNORED_FIELDS, FieldChange, display_value
from core.models import AuditEvent

__all__ = ["AuditRow", "audit_rows", "audit_rows_streamed"]

ACCESS_DETAILS = (("query", "Search or filter"), ("result_count", "Rows"), ("path", "Page"),
                  ("client_address", "Client address"))


@dataclass
class AuditRow:
    """One entry as a reader sees it."""

    event: AuditEvent
    changes: list[FieldChange] = field(default_factory=list)
    # Values shown when there is nothing to compare with: the created record's fields, or
    # an access event's details.
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The change in one line (CSV and PDF cells)."""
        if self.changes:
            return "; ".join(f"{c.label}: {c.before} → {c.after}" for c in self.changes)
        return "; ".join(f"{label}: {value}" for label, value in self.details)


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The entries with their field-level changes, in two queries whatever their number:
    the previous entry of each record, then the names of the related rows they mention.

    Args:
        events: entries loaded with `for_list()` (record type and user joined).
    Returns:
        One `AuditRow` per entry, in the same order.
    """
    events = list(events)
    previous = _previous_entries(events)
    fields_by_type = {}
    for event in events:
        if event.content_type_id and event.content_type_id not in fields_by_type:
            fields_by_type[event.content_type_id] = _readable_fields(event.content_type.model_class())
    names = _related_names(events, previous, fields_by_type)
    rows = []
    for event in events:
        row = AuditRow(event)
        fields = fields_by_type.get(event.content_type_id, {})
        if event.kind == AuditEventKind.ACCESS:
            values = event.values
            row.details = [(label, str(values[key])) for key, label in ACCESS_DETAILS
                           if values.get(key) not in (None, "")]
        elif event.seq in previous and event.action != AuditAction.DELETED:
            row.changes = _changes(previous[event.seq].values, event.values, fields, names)
        else:
            row.details = [(str(f.verbose_name).capitalize(), display_value(f, value, names))
                           for attname, f in fields.items()
                           if (value := event.values.get(attname)) not in (None, "", [], {})]
        rows.append(row)
    return rows


def audit_rows_streamed(queryset, *, chunk_size: int = 500) -> Iterator[AuditRow]:
    """`audit_rows` over a whole result, a chunk at a time (CSV exports of any size)."""
    chunk: list[AuditEvent] = []
    for event in queryset.iterator(chunk_size=chunk_size):
        chunk.append(event)
        if len(chunk) == chunk_size:
            yield from audit_rows(chunk)
            chunk = []
    yield from audit_rows(chunk)


def _previous_entries(events: list[AuditEvent]) -> dict[int, AuditEvent]:
    """For each history entry, the entry of the same record just before it in the log."""
    seqs = [e.seq for e in events if e.kind == AuditEventKind.HISTORY and e.content_type_id]
    if not seqs:
        return {}
    before = AuditEvent.objects.filter(
        kind=AuditEventKind.HISTORY, content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"), seq__lt=OuterRef("seq")).order_by("-seq")
    pairs = dict(AuditEvent.objects.filter(seq__in=seqs).annotate(
        previous_seq=Subquery(before.values("seq")[:1])).values_list("seq", "previous_seq"))
    found = AuditEvent.objects.in_bulk([p for p in pairs.values() if p is not None])
    return {seq: found[p] for seq, p in pairs.items() if p in found}


def _readable_fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:  # a record type whose code was removed
        return {}
    return {f.attname: f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS}


def _changes(before: dict, after: dict, fields: dict, names: dict) -> list[FieldChange]:
    changes = []
    for attname in sorted(set(before) | set(after), key=lambda a: list(fields).index(a)
                          if a in fields else len(fields)):
        model_field = fields.get(attname)
        if model_field is None or before.get(attname) == after.get(attname):
            continue
        changes.append(FieldChange(
            field=model_field.name, label=str(model_field.verbose_name).capitalize(),
            before=display_value(model_field, before.get(attname), names),
            after=display_value(model_field, after.get(attname), names)))
    return changes


def _related_names(events, previous, fields_by_type) -> dict[tuple[type, object], str]:
    """Names of the users, teams and assets the entries point to, one query per kind."""
    wanted: dict[type, set] = {}
    for event in [*events, *previous.values()]:
        for attname, model_field in fields_by_type.get(event.content_type_id, {}).items():
            if isinstance(model_field, models.ForeignKey):
                value = event.values.get(attname)
                if value is not None:
                    wanted.setdefault(model_field.related_model, set()).add(value)
    names: dict[tuple[type, object], str] = {}
    user_model = get_user_model()
    for target, ids in wanted.items():
        for row in target._base_manager.filter(pk__in=ids):
            names[(target, row.pk)] = (row.get_username() if target is user_model else str(row))
    return names
