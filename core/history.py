"""History of a governed record for detail pages: each change, who made it, when, why, and
every field before and after (from simple-history)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

__all__ = ["FieldChange", "HistoryEntry", "display_value", "history_entries"]

# Each history row of simple-history is compared with the row before it (`diff_against`), in
# memory, so a page with any number of changes costs the same few queries.
# Bookkeeping columns that change on every save and say nothing to a reader.
IGNORED_FIELDS = {"created_at", "updated_at", "id"}
KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}
MAX_TEXT = 300


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: Any
    kind: str
    actor: str
    user: Any
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    snapshot: list[tuple[str, str]] = field(default_factory=list)


def history_entries(obj: models.Model, *, user=None, limit: int | None = None) -> list[HistoryEntry]:
    """The history of `obj`, newest first, each entry with what changed (before → after).

    Args:
        obj: a governed record (it has a `history` manager).
        user: the reader; a related asset they may not see is named "not visible to you".
        limit: keep only the newest `limit` entries (the diff still uses the row before).
    Returns:
        One `HistoryEntry` per history row.
    """
    records = list(obj.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[: (limit + 1) if limit else None])
    model = type(obj)
    hidden = obj.hidden_fields_for(user) if hasattr(obj, "hidden_fields_for") else frozenset()
    fields = {f.name: f for f in model._meta.concrete_fields
              if f.name not in IGNORED_FIELDS and f.name not in hidden}
    names = _related_names(records, fields, user)
    entries = []
    for index, record in enumerate(records[:limit] if limit else records):
        older = records[index + 1] if index + 1 < len(records) else None
        entry = HistoryEntry(
            when=record.history_date,
            kind=KIND.get(record.history_type, record.history_type),
            actor=record.history_actor or (record.history_user.get_username()
                                           if record.history_user else "unknown"),
            user=record.history_user,
            reason=record.history_change_reason or "",
        )
        if older is not None:
            editable = [name for name, f in fields.items() if f.editable]
            delta = record.diff_against(older, included_fields=editable)
            pairs = [(c.field, c.old, c.new) for c in delta.changes]
            # diff_against skips fields no form may edit (e.g. ever_in_production): compare
            # those directly, as they change through services and matter to a reader.
            for name, model_field in fields.items():
                if not model_field.editable:
                    old_value = getattr(older, model_field.attname, None)
                    new_value = getattr(record, model_field.attname, None)
                    if old_value != new_value:
                        pairs.append((name, old_value, new_value))
            for name, old_value, new_value in pairs:
                model_field = fields[name]
                entry.changes.append(FieldChange(
                    field=name,
                    label=str(model_field.verbose_name).capitalize(),
                    before=display_value(model_field, old_value, names),
                    after=display_value(model_field, new_value, names),
                ))
        elif record.history_type == "+":
            for _name, model_field in fields.items():
                value = getattr(record, model_field.attname, None)
                if value in (None, "", [], {}):
                    continue
                entry.snapshot.append((str(model_field.verbose_name).capitalize(),
                                       display_value(model_field, value, names)))
        entries.append(entry)
    return entries


def _related_names(records, fields, user=None) -> dict[tuple[type, Any], str]:
    """Names of every user/team/asset a history row points to, in one or two queries per
    target model; assets the reader may not see (e.g. another team's confidential
    dataset) are not named."""
    wanted: dict[type, set] = {}
    for model_field in fields.values():
        if not isinstance(model_field, models.ForeignKey):
            continue
        target = model_field.related_model
        for record in records:
            value = getattr(record, model_field.attname, None)
            if value is not None:
                wanted.setdefault(target, set()).add(value)
    names: dict[tuple[type, Any], str] = {}
    user_model = get_user_model()
    for target, ids in wanted.items():
        rows = target._base_manager.filter(pk__in=ids)
        if user is not None and hasattr(target, "restrict_visibility"):
            visible = set(target.objects.restrict(user, "view").filter(pk__in=ids)
                          .values_list("pk", flat=True))
        else:
            visible = None
        for row in rows:
            if visible is not None and row.pk not in visible:
                text = "not visible to you"
            elif target is user_model:
                text = row.get_full_name() or row.get_username()
            else:
                text = str(row)
            names[(target, row.pk)] = text
    return names


def display_value(model_field: models.Field, value: Any, names: dict) -> str:
    """A stored value as a reader sees it: choice labels, Yes/No, names of related rows
    (from `names`, keyed by (model, pk)), JSON as sorted text, long text shortened."""
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), f"#{value} (removed)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.JSONField):
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
