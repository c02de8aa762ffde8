"""Writes of degradation thresholds (API, admin and dashboards call these)."""

from __future__ import annotations

from typing import Any

from core.services.records import record_create, record_delete, record_update
from monitoring.models import MetricThreshold

__all__ = ["metric_threshold_create", "metric_threshold_delete", "metric_threshold_update"]


def metric_threshold_create(*, actor, reason: str, data: dict[str, Any]) -> MetricThreshold:
    """Add a threshold for a model, or a risk tier's default.

    Raises:
        ValidationError: field by field (both or neither of model and tier, a second
            threshold for the same metric...); nothing is written.
    """
    return record_create(model_class=MetricThreshold, actor=actor, reason=reason, data=data)


def metric_threshold_update(*, threshold: MetricThreshold, actor, reason: str,
                            data: dict[str, Any]) -> MetricThreshold:
    """Change a threshold; the next degradation check applies it."""
    return record_update(instance=threshold, actor=actor, reason=reason, data=data)


def metric_threshold_delete(*, threshold: MetricThreshold, actor, reason: str) -> None:
    """Remove a threshold (its alerts keep their values; the rule stays in history)."""
    record_delete(instance=threshold, actor=actor, reason=reason)
