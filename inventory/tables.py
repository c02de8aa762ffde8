"""Tables of the catalogue pages: list columns of models, datasets, features, pipelines and
licences.

Colours follow one vocabulary everywhere (lists, detail headers, the risk register), so a
reader learns once that red means critical and green means production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.tables import Column
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
    "csv_only",
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
