"""Columns of the monitoring dashboard lists."""

from __future__ import annotations

from core.tables import Column

ALERT_BADGES = {"open": "danger", "acknowledged": "warning", "resolved": "success"}
BREACH_BADGES = {"threshold": "danger", "baseline": "warning", "both": "danger"}

ALERT_COLUMNS = [
    Column("opened_at", "Opened", sort="opened_at"),
    Column(lambda a: str(a.model_version), "Model version", link=True),
    Column("metric", "Metric", sort="metric"),
    Column("status", "Status", sort="status", badge=ALERT_BADGES),
    Column("breach", "Why", badge=BREACH_BADGES),
    Column(lambda a: f"{a.current_value:.4g}", "Recent mean"),
    Column(lambda a: f"{a.limit:g}", "Threshold"),
    Column(lambda a: "—" if a.baseline is None else f"{a.baseline:.4g}", "Baseline"),
    Column(lambda a: f"{a.degradation:.0%}", "Worse by", sort="degradation"),
    Column("owner", "Owner"),
]

THRESHOLD_COLUMNS = [
    Column("metric", "Metric", sort="metric"),
    Column(lambda t: t.model.name if t.model_id else "—", "Model", sort="model__name"),
    Column("risk_tier", "Default for risk tier", sort="risk_tier"),
    Column("direction", "Degraded when"),
    Column("limit", "Threshold"),
    Column(lambda t: "—" if t.baseline_tolerance is None else f"{t.baseline_tolerance:.0%}",
           "Worse than baseline by"),
    Column(lambda t: "never" if t.decay_after_days is None else f"{t.decay_after_days} days",
           "Feeds deprecation after"),
    Column("active", "Active"),
]
