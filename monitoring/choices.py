"""Enumerations of the monitoring app."""

from django.db import models


# --------------------------------------------------------------------------------------
# Fleet: deployment events
# --------------------------------------------------------------------------------------
class DeploymentEventKind(models.TextChoices):
    CREATED = "created", "Deployed (created)"
    SCALED = "scaled", "Scaled (instances changed)"
    MOVED = "moved", "Moved to another region or segment"
    REMOVED = "removed", "Removed"
    ROLLED_BACK = "rolled_back", "Rolled back to an earlier version"


class DeploymentEventOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"
    UNCHANGED = "unchanged", "Already known (nothing changed)"
    UNAUTHORISED = "unauthorised", "Recorded as unauthorised"


# --------------------------------------------------------------------------------------
# Health: monitoring coverage
# --------------------------------------------------------------------------------------
class HealthProblem(models.TextChoices):
    NO_OBSERVATIONS = "no_observations", "Never reported (missing instrumentation)"
    STALE = "stale", "Stopped reporting (stale)"
    MISSING_METRICS = "missing_metrics", "Required metrics missing"
    UNAPPROVED_VERSION = "unapproved_version", "Serves a version that is not the approved one"


class HealthFindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved (fixed)"


# --------------------------------------------------------------------------------------
# Costs
# --------------------------------------------------------------------------------------
class CostScope(models.TextChoices):
    MODEL = "model", "A model"
    DEPLOYMENT = "deployment", "A deployment"
    SHARED = "shared", "Shared infrastructure (split by usage)"


class CostCategory(models.TextChoices):
    COMPUTE = "compute", "Compute"
    STORAGE = "storage", "Storage"
    NETWORK = "network", "Network"
    LICENCE = "licence", "Licence"
    SUPPORT = "support", "Support and operations"
    OTHER = "other", "Other"


# --------------------------------------------------------------------------------------
# Metrics: roll-ups, degradation alerts
# --------------------------------------------------------------------------------------
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
