"""CSV exports: the one guard against spreadsheet formulas (CSV injection) in exported cells."""

from __future__ import annotations

import csv
from typing import Any

__all__ = ["csv_safe", "streaming_csv_writer"]

FORMULA_PREFIXES = ("=", "+", "-", "@")


def csv_safe(value: Any) -> str:
    """The cell's text, quoted with a leading `'` when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in FORMULA_PREFIXES else text


class _Echo:
    """A file whose `write` hands the written line back, for streamed responses."""

    def write(self, value: str) -> str:
        return value


def streaming_csv_writer():
    """A `csv.writer` whose `writerow` returns the CSV line, to yield from a streamed
    response instead of building the file in memory."""
    return csv.writer(_Echo())
