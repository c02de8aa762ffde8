"""Declarative table columns for dashboard list pages (rendered by `generic/object_list.html`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.formats import localize
from django.utils.timezone import localtime


@dataclass(frozen=True)
class Column:
    """One column: the attribute path it shows, how it sorts, how it looks.

    Args:
        key: dotted attribute path on the row (`team.name`) or a callable taking the row.
        label: header text.
        sort: the ordering expression (`team__name`) or "" when not sortable.
        badge: maps a raw value to a Bootstrap colour (`{"production": "success"}`).
        link: the cell links to the row's `get_absolute_url()`.
        csv: include the column in CSV exports.
    """

    key: str | Callable[[Any], Any]
    label: str
    sort: str = ""
    badge: dict[str, str] = field(default_factory=dict)
    link: bool = False
    csv: bool = True

    @property
    def name(self) -> str:
        return self.key if isinstance(self.key, str) else self.label.lower().replace(" ", "_")

    def raw(self, row: Any) -> Any:
        if callable(self.key):
            return self.key(row)
        value = row
        for part in self.key.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not hasattr(value, "all"):
                value = value()
        if hasattr(value, "all"):
            value = ", ".join(str(item) for item in value.all())
        return value

    def display(self, row: Any) -> str:
        value = self.raw(row)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime):
            return localize(localtime(value).replace(microsecond=0))
        display = getattr(row, f"get_{self.key}_display", None) if isinstance(self.key, str) else None
        return str(display()) if callable(display) else str(value)

    def cell(self, row: Any) -> dict:
        raw = self.raw(row)
        return {
            "text": self.display(row),
            "badge": self.badge.get(str(raw), "") if self.badge else "",
            "url": row.get_absolute_url() if self.link and hasattr(row, "get_absolute_url") else "",
        }
