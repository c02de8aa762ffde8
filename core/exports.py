"""CSV exports: the one guard against spreadsheet formulas (CSV injection) in exported cells."""

from __future__ import annotations

from typing import Any

__all__ = ["csv_safe"]

FORMULA_PREFIXES = ("=", "+", "-", "@")


def csv_safe(value: Any) -> str:
    """The cell's text, quoted with a leading `'` when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_PREFIXES else text
