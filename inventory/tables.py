"""Tables of the catalogue pages: list columns (models, datasets, features, pipelines,
licences) and the history-of-changes table of detail pages.

Colours follow one vocabulary everywhere (lists, detail headers, the risk register), so a
reader learns once that red means critical and green means production.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from inventory.base.tables import Column
from inventory.choices import ModelStage, Redistribution, RiskTier, Sensitivity

__all__ = [
    "DATASET_COLUMNS",
    "FEATURE_COLUMNS",
    "LICENCE_COLUMNS",
    "MLMODEL_COLUMNS",
    "PIPELINE_COLUMNS",
    "REDISTRIBUTION_BADGES",
    "RISK_BADGES",
    "SENSITIVITY_BADGES",
    "STAGE_BADGES",
    "BadgesColumn",
    "FieldChange",
    "HistoryEntry",
    "csv_only",
    "history_entries",
    "screen_columns",
]

STAGE_BADGES = {
    ModelStage.DRAFT: "light", ModelStage.REGISTERED: "secondary",
    ModelStage.VALIDATED: "info", ModelStage.STAGING: "primary",
    ModelStage.PRODUCTION: "success", ModelStage.DEPRECATED: "warning",
    ModelStage.ARCHIVED: "dark", ModelStage.RETIRED: "dark",
}
RISK_BADGES = {
    RiskTier.LOW: "success", RiskTier.MEDIUM: "info",
    RiskTier.HIGH: "warning", RiskTier.CRITICAL: "danger",
}
REDISTRIBUTION_BADGES = {
    Redistribution.ALLOWED: "success", Redistribution.CONDITIONS: "warning",
    Redistribution.PROHIBITED: "danger", Redistribution.NOT_APPLICABLE: "light",
}
SENSITIVITY_BADGES = {
    Sensitivity.PUBLIC: "success", Sensitivity.INTERNAL: "secondary",
    Sensitivity.CONFIDENTIAL: "warning", Sensitivity.PII: "danger",
    Sensitivity.PHI: "danger", Sensitivity.FINANCIAL: "warning",
}


@dataclass(frozen=True)
class BadgesColumn(Column):
    """A column whose cell also carries several small badges (tags, "Confidential").

    Args (beyond `Column`'s):
        badges: row -> (text, colour) pairs shown after the text.
        badges_only: on screen, show only the badges (the text still goes to the CSV).
        screen: show the column on screen at all (False: CSV only).
    """

    badges: Callable[[Any], list[tuple[str, str]]] = field(default=lambda row: [])
    badges_only: bool = False
    screen: bool = True

    def cell(self, row: Any) -> dict:
        cell = super().cell(row)
        cell["badges"] = self.badges(row)
        cell["hide_text"] = self.badges_only and bool(cell["badges"])
        return cell


def csv_only(key, label: str) -> BadgesColumn:
    """A column kept out of the screen table but written to the CSV export."""
    return BadgesColumn(key, label, screen=False)


def screen_columns(columns: list[Column]) -> list[Column]:
    return [c for c in columns if getattr(c, "screen", True)]


def _confidential(row) -> list[tuple[str, str]]:
    return [("Confidential", "dark")] if row.confidential else []


def _compliance_tags(row) -> list[tuple[str, str]]:
    return [(tag.name, "primary-subtle text-primary-emphasis border border-primary-subtle")
            for tag in row.compliance_tags.all()]


def _name_column() -> BadgesColumn:
    return BadgesColumn("name", "Name", sort="name", link=True, badges=_confidential)


def _owner(row) -> str:
    owner = row.owner
    return (owner.get_full_name() or owner.get_username()) if owner else ""


def _day(value) -> str:
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    return date_format(localtime(value), "j M Y") if value else ""


def _confidential_csv(row) -> str:
    return "yes" if row.confidential else "no"


def _tag_names(row) -> str:
    return ", ".join(t.name for t in row.compliance_tags.all())


def _compliance_column() -> BadgesColumn:
    return BadgesColumn(_tag_names, "Compliance tags", badges=_compliance_tags, badges_only=True)


# Stage and risk tier sort by meaning (draft → retired, low → critical) through the
# `stage_rank` / `risk_rank` aliases of `MLModel.objects.for_list()`.
MLMODEL_COLUMNS = [
    _name_column(),
    Column("team.name", "Team", sort="team__name"),
    Column(_owner, "Owner"),
    Column("stage", "Stage", sort="stage_rank", badge=STAGE_BADGES),
    Column("risk_tier", "Risk tier", sort="risk_rank", badge=RISK_BADGES),
    _compliance_column(),
    Column("origin", "Origin", sort="origin"),
    csv_only("domain", "Domain"),
    csv_only("licence", "Licence"),
    Column(lambda row: _day(row.updated_at), "Last change", sort="updated_at"),
    csv_only(_confidential_csv, "Confidential"),
    csv_only("purpose", "Purpose"),
]

def _licence_requires(row) -> str:
    parts = [row.redistribution_terms, f"Attribution: {row.attribution}" if row.attribution else ""]
    return " ".join(p for p in parts if p)


LICENCE_COLUMNS = [
    _name_column(),
    Column("supplier", "Supplier", sort="supplier"),
    csv_only("origin", "Origin"),
    Column("licence", "Licence (SPDX)", sort="licence"),
    Column("stage", "Stage", sort="stage_rank", badge=STAGE_BADGES),
    Column("redistribution", "Redistribution", sort="redistribution", badge=REDISTRIBUTION_BADGES),
    Column(_licence_requires, "What the licence requires", csv=False),
    csv_only("redistribution_terms", "Redistribution terms"),
    csv_only("attribution", "Attribution required"),
    csv_only("permitted_uses", "Permitted uses"),
    csv_only("team.name", "Team"),
]

DATASET_COLUMNS = [
    _name_column(),
    Column("team.name", "Team", sort="team__name"),
    csv_only("domain", "Domain"),
    Column(_owner, "Owner"),
    Column("sensitivity", "Sensitivity", sort="sensitivity", badge=SENSITIVITY_BADGES),
    Column("storage_mode", "Storage", sort="storage_mode"),
    Column("residency_region", "Residency", sort="residency_region"),
    _compliance_column(),
    csv_only(_confidential_csv, "Confidential"),
    Column(lambda row: _day(row.updated_at), "Last change", sort="updated_at"),
]

FEATURE_COLUMNS = [
    _name_column(),
    Column("team.name", "Team", sort="team__name"),
    csv_only("domain", "Domain"),
    Column(_owner, "Owner"),
    Column("data_type", "Data type", sort="data_type"),
    Column(lambda row: _visible_dataset(row), "Source dataset", sort="dataset__name"),
    csv_only(_confidential_csv, "Confidential"),
    Column(lambda row: _day(row.updated_at), "Last change", sort="updated_at"),
]

def _visible_dataset(row) -> str:
    """The source dataset's name, unless it is another team's confidential dataset (the
    list annotates `dataset_visible` from the user's restricted datasets)."""
    if not row.dataset_id:
        return ""
    if not getattr(row, "dataset_visible", True):
        return "not visible to you"
    return row.dataset.name


PIPELINE_COLUMNS = [
    _name_column(),
    Column("team.name", "Team", sort="team__name"),
    csv_only("domain", "Domain"),
    Column(_owner, "Owner"),
    Column("orchestrator", "Orchestrator", sort="orchestrator"),
    Column("schedule", "Schedule"),
    csv_only("repository_url", "Code repository"),
    csv_only(_confidential_csv, "Confidential"),
    Column(lambda row: _day(row.updated_at), "Last change", sort="updated_at"),
]


# --------------------------------------------------------------------------------------
# History of changes: field-level before -> after
# --------------------------------------------------------------------------------------
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
                    before=_display(model_field, old_value, names),
                    after=_display(model_field, new_value, names),
                ))
        elif record.history_type == "+":
            for _name, model_field in fields.items():
                value = getattr(record, model_field.attname, None)
                if value in (None, "", [], {}):
                    continue
                entry.snapshot.append((str(model_field.verbose_name).capitalize(),
                                       _display(model_field, value, names)))
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


def _display(model_field: models.Field, value: Any, names: dict) -> str:
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
