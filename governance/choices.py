"""Enumerations of the governance app."""

from django.db import models


class ComplianceOutcome(models.TextChoices):
    """Where a model stands against a framework, or against one of its requirements."""

    MET = "met", "Met"
    GAP = "gap", "Gap"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
