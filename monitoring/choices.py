"""Enumerations of the monitoring app."""

from django.db import models


class Granularity(models.TextChoices):
    HOUR = "hour", "Hourly"
    DAY = "day", "Daily"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open — needs the owner's attention"
    ACKNOWLEDGED = "acknowledged", "Acknowledged — the owner is on it"
    RESOLVED = "resolved", "Resolved — the metric recovered"


class BreachKind(models.TextChoices):
    THRESHOLD = "threshold", "Past its threshold"
    BASELINE = "baseline", "Worse than its own baseline"
    BOTH = "both", "Past its threshold and worse than its baseline"


# Alerts that still hold: one per version and metric at most (a database constraint).
ACTIVE_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
