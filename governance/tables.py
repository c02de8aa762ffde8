"""Columns of the governance dashboard lists."""

from __future__ import annotations

from core.tables import Column

FINDING_KIND_BADGES = {"unauthorised": "danger", "orphaned": "warning", "stale": "info"}
FINDING_STATUS_BADGES = {"open": "danger", "in_progress": "primary", "resolved": "secondary",
                         "closed": "success"}
FORMAT_BADGES = {"pdf": "danger", "html": "primary", "csv": "success"}


def _owner(finding) -> str:
    owner = finding.owner
    if owner is None:
        return "Unassigned"
    name = owner.get_full_name() or owner.get_username()
    return name if owner.is_active else f"{name} (inactive)"


def _due(finding) -> str:
    text = f"{finding.due_on:%Y-%m-%d}"
    return f"{text} — overdue" if finding.is_overdue else text


FINDING_COLUMNS = [
    Column("kind", "Kind", sort="kind", badge=FINDING_KIND_BADGES),
    Column("subject", "About", sort="subject", link=True),
    Column("status", "Status", sort="status", badge=FINDING_STATUS_BADGES),
    Column(_owner, "Owner", sort="owner__username"),
    Column(lambda f: f"{f.age_days} days", "Age", sort="-first_seen_at"),
    Column(_due, "Due", sort="due_on"),
    Column("remediation", "What to do"),
    Column("source", "Seen in"),
]


def _sha(report) -> str:
    return report.sha256


REPORT_COLUMNS = [
    Column("title", "Report", sort="title", link=True),
    Column("format", "Format", sort="format", badge=FORMAT_BADGES),
    Column("generated_at", "Generated", sort="generated_at"),
    Column("requested_by_actor", "Requested by", sort="requested_by_actor"),
    Column(lambda r: r.schedule.name if r.schedule else "on demand", "Schedule"),
    Column("row_count", "Rows", sort="row_count"),
    Column(_sha, "SHA-256"),
]
