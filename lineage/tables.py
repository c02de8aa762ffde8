"""Columns of the lineage dashboard lists."""

from __future__ import annotations

from core.tables import Column

FINDING_BADGES = {"open": "danger", "resolved": "success"}
KIND_BADGES = {"checksum_mismatch": "danger", "missing_file": "danger",
               "residency_violation": "warning"}

FINDING_COLUMNS = [
    Column("created_at", "Found", sort="created_at"),
    Column("kind", "Kind", sort="kind", badge=KIND_BADGES),
    Column("status", "Status", sort="status", badge=FINDING_BADGES),
    Column(lambda f: str(f.subject) if f.subject else "—", "About", link=True),
    Column("detail", "What is wrong"),
    Column("expected_sha256", "Recorded SHA-256"),
    Column("observed_sha256", "SHA-256 now"),
]
