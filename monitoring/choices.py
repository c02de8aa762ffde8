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
