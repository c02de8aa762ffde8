"""Compliance status: where each model stands against each framework, with named gaps.

An assessment is evidence: it is written by the recompute service, never edited, and a
new one is added only when the outcome changes (the previous one stays, no longer
current). It keeps the framework version, and each of its results the requirement
revision, it was made against.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from core.models import JobRun
from governance.choices import ComplianceOutcome
from inventory.models import MLModel

from .regulations import FrameworkVersion, RegulatoryFramework, Requirement

__all__ = ["ComplianceAssessment", "ComplianceAssessmentQuerySet", "RequirementResult",
           "RequirementResultQuerySet"]


class ComplianceAssessmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def for_list(self):
        gaps = RequirementResult.objects.filter(outcome=ComplianceOutcome.GAP).select_related(
            "requirement").order_by("requirement__order", "requirement__key")
        return self.select_related("model", "framework", "framework_version").prefetch_related(
            Prefetch("results", queryset=gaps, to_attr="gap_results"))

    def for_detail(self):
        return self.for_list()


class ComplianceAssessment(models.Model):
    """A model's compliance status against one framework version, as computed at a time."""

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE,
                              related_name="compliance_assessments")
    framework = models.ForeignKey(RegulatoryFramework, on_delete=models.PROTECT,
                                  related_name="assessments")
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT,
                                          related_name="assessments")
    status = models.CharField(max_length=20, choices=ComplianceOutcome.choices, db_index=True)
    applicable_count = models.PositiveIntegerField(default=0)
    met_count = models.PositiveIntegerField(default=0)
    gap_count = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=True, db_index=True)
    # What the outcome was computed from, so an unchanged recompute writes nothing.
    fingerprint = models.CharField(max_length=64)
    assessed_at = models.DateTimeField(db_index=True)
    trigger = models.CharField(max_length=200, blank=True,
                               help_text="What caused this assessment.")
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    objects = ComplianceAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["model__name", "framework__short_name", "-assessed_at"]
        verbose_name = "compliance status"
        verbose_name_plural = "compliance statuses"
        constraints = [
            models.UniqueConstraint(fields=["model", "framework"], condition=Q(is_current=True),
                                    name="complianceassessment_one_current",
                                    violation_error_message="A model has one current status "
                                                            "per framework."),
        ]
        indexes = [
            models.Index(fields=["framework", "is_current", "status"]),
            models.Index(fields=["model", "is_current"]),
        ]

    def __str__(self) -> str:
        return f"{self.model} — {self.framework}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:mlmodel_detail", args=[self.model_id]) + "#panel-compliance"

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A status is as visible as its model (confidential models stay in their team)."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model__in=visible.values("pk"))


class RequirementResultQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("assessment", "assessment__model", "assessment__framework",
                                   "requirement")


class RequirementResult(models.Model):
    """One requirement revision's outcome within an assessment; a gap names what is missing."""

    assessment = models.ForeignKey(ComplianceAssessment, on_delete=models.CASCADE,
                                   related_name="results")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT,
                                    related_name="results")
    outcome = models.CharField(max_length=20, choices=ComplianceOutcome.choices, db_index=True)
    # [{"check": name, "detail": what is missing}] for each failed evidence check.
    missing = models.JSONField(default=list, blank=True)

    objects = RequirementResultQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "requirement__order", "requirement__key"]
        verbose_name = "requirement result"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement"],
                                    name="requirementresult_unique"),
        ]
        indexes = [models.Index(fields=["requirement", "outcome"])]

    def __str__(self) -> str:
        return f"{self.requirement.clause}: {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url()

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(assessment__model__in=visible.values("pk"))
