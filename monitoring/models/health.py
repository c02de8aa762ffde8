"""Monitoring-coverage health: what each deployed model is expected to report, and the
findings raised when it does not (never reported, stopped reporting, required metrics
missing, or a version served that is not the approved one). Findings close themselves
when the next check no longer sees the problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import RiskTier
from inventory.models import Deployment, MLModel, ModelVersion
from monitoring.choices import HealthFindingStatus, HealthProblem
from monitoring.models.fleet import visible_versions

__all__ = ["HealthFinding", "HealthFindingQuerySet", "MonitoringRequirement",
           "MonitoringRequirementQuerySet"]


def validate_metric_names(value) -> None:
    if not isinstance(value, list) or not all(
            isinstance(name, str) and name.strip() and len(name) <= 60 for name in value):
        raise ValidationError('A list of metric names, e.g. ["auc", "psi", "p99_ms"].')
    if len(set(value)) != len(value):
        raise ValidationError("Each metric name once.")


class MonitoringRequirementQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model")


class MonitoringRequirement(GovernedModel):
    """How often a deployed model must report and which metrics it must report: per risk
    tier, or for one model (which wins over its tier)."""

    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, blank=True,
                                 db_index=True, help_text="Applies to every model of this tier.")
    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="monitoring_requirements",
                              help_text="Applies to this model only (wins over its tier).")
    expected_interval_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 90)],
        help_text="A deployment with no observation for longer than this is stale.")
    required_metrics = models.JSONField(
        default=list, blank=True, validators=[validate_metric_names],
        help_text='Metrics that must each be reported within the interval, e.g. ["auc", "psi"].')
    description = models.TextField(blank=True)

    objects = MonitoringRequirementQuerySet.as_manager()

    class Meta:
        ordering = ["risk_tier", "model__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(model__isnull=True) & ~Q(risk_tier=""))
                | (Q(model__isnull=False) & Q(risk_tier="")),
                name="monitoringrequirement_tier_or_model",
                violation_error_message="A requirement is for a risk tier or for one model, "
                                        "not both."),
            models.UniqueConstraint(fields=["risk_tier"], condition=~Q(risk_tier=""),
                                    name="monitoringrequirement_one_per_tier",
                                    violation_error_message="This risk tier already has a "
                                                            "requirement; change that one."),
            models.UniqueConstraint(fields=["model"], condition=Q(model__isnull=False),
                                    name="monitoringrequirement_one_per_model",
                                    violation_error_message="This model already has a "
                                                            "requirement; change that one."),
        ]

    def __str__(self) -> str:
        who = self.model.name if self.model_id else f"{self.get_risk_tier_display()} tier"
        return f"Monitoring of {who}: every {self.expected_interval_minutes} min"

    def clean(self) -> None:
        super().clean()
        if self.model_id is None and not self.risk_tier:
            raise ValidationError({"risk_tier": ["Choose a risk tier, or a model."]})
        if self.model_id is not None and self.risk_tier:
            raise ValidationError({"risk_tier": ["Leave the tier empty for a model's own "
                                                 "requirement."]})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """Tier requirements are visible to all who may view requirements; a model's own
        requirement as far as its model is."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(Q(model__isnull=True) | Q(model__in=visible.values("pk")))


class HealthFindingQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("deployment", "model_version__model",
                                   "model_version__model__team")

    def open(self):
        return self.filter(status=HealthFindingStatus.OPEN)


class HealthFinding(GovernedModel):
    """A deployed model whose monitoring is not what it should be. Raised and resolved by
    the health check job only; its history shows when and why each changed."""

    problem = models.CharField(max_length=30, choices=HealthProblem.choices, db_index=True)
    status = models.CharField(max_length=10, choices=HealthFindingStatus.choices,
                              default=HealthFindingStatus.OPEN, db_index=True)
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="health_findings")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="health_findings")
    detail = models.TextField()
    last_observed_at = models.DateTimeField(
        null=True, blank=True, help_text="The latest observation seen when last checked.")
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The run that last changed it.")

    objects = HealthFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two checks running at once cannot open the same finding twice.
            models.UniqueConstraint(fields=["problem", "deployment"],
                                    condition=Q(status="open"),
                                    name="healthfinding_one_open_per_problem"),
        ]
        indexes = [models.Index(fields=["status", "problem"])]

    def __str__(self) -> str:
        return f"{self.get_problem_display()}: {self.deployment}"

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url()

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A finding is as visible as its model."""
        return queryset.filter(model_version__in=visible_versions(user, action))
