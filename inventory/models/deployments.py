"""Deployments: where model versions run, and what is measured about them there.

A `Deployment` is reported by CI/CD (or entered by hand): one model version in one
environment / region / customer segment, with its endpoint and status. A
`MetricObservation` is one measured value (performance, drift, latency, resources,
usage) of a version, optionally at a deployment; the performance-decay deprecation
trigger reads them.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import DeploymentEnvironment, DeploymentStatus, MetricKind, ModelStage

from .catalogue import MLModel
from .versions import ModelVersion

__all__ = [
    "DEPLOYABLE_STAGES",
    "RUNNING_STATUSES",
    "Deployment",
    "DeploymentQuerySet",
    "MetricObservation",
    "MetricObservationQuerySet",
    "observation_problems",
    "observed_at_limit",
]


def _visible_versions(user, action: str):
    """Versions `user` may see through their model (confidential models stay in their team)."""
    visible_models = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
    return ModelVersion.objects.filter(model__in=visible_models.values("pk")).values("pk")


# --------------------------------------------------------------------------------------
# Deployments
# --------------------------------------------------------------------------------------
_LIVE = (ModelStage.DRAFT, ModelStage.REGISTERED, ModelStage.VALIDATED, ModelStage.STAGING,
         ModelStage.PRODUCTION, ModelStage.DEPRECATED)
# The stages a version must be in to run in each environment: production serves only
# versions promoted to production (or deprecated ones still serving until archived);
# staging also takes versions promoted to staging; development and test take any version
# not yet archived or retired.
DEPLOYABLE_STAGES: dict[str, frozenset[str]] = {
    DeploymentEnvironment.PRODUCTION: frozenset({ModelStage.PRODUCTION, ModelStage.DEPRECATED}),
    DeploymentEnvironment.STAGING: frozenset({ModelStage.STAGING, ModelStage.PRODUCTION,
                                              ModelStage.DEPRECATED}),
    DeploymentEnvironment.TEST: frozenset(_LIVE),
    DeploymentEnvironment.DEVELOPMENT: frozenset(_LIVE),
}
# Statuses saying the version runs (or is being rolled out) at its place; a report of a
# stop or a failure is accepted whatever the version's stage.
RUNNING_STATUSES = frozenset({DeploymentStatus.PENDING, DeploymentStatus.ACTIVE})


class DeploymentQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model", "reported_by")


class Deployment(GovernedModel):
    """A model version running in an environment, region and customer segment."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="deployments")
    environment = models.CharField(max_length=20, choices=DeploymentEnvironment.choices,
                                   db_index=True)
    region = models.CharField(max_length=40, blank=True, db_index=True,
                              help_text="Where it runs, e.g. eu-west-1.")
    segment = models.CharField(max_length=60, blank=True,
                               help_text="Customer segment served, e.g. retail, smb.")
    endpoint = models.CharField(max_length=500, blank=True,
                                help_text="Where it answers, e.g. https://scoring.internal/v1.")
    status = models.CharField(max_length=20, choices=DeploymentStatus.choices,
                              default=DeploymentStatus.ACTIVE, db_index=True)
    deployed_at = models.DateTimeField(null=True, blank=True)
    replicas = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many instances serve it, as last reported.")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["-deployed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "environment", "region", "segment"],
                name="deployment_one_per_place",
                violation_error_message="This version is already recorded in this environment, "
                                        "region and segment; report a status change instead."),
        ]
        indexes = [models.Index(fields=["environment", "status"])]

    def __str__(self) -> str:
        where = "/".join(part for part in (self.environment, self.region, self.segment) if part)
        return f"{self.model_version} @ {where}"

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.endpoint and not self.endpoint.startswith(("http://", "https://", "grpc://",
                                                           "grpcs://")):
            raise ValidationError({"endpoint": [
                "An endpoint is a URL starting with http://, https://, grpc:// or grpcs://."]})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A deployment is as visible as its model."""
        return queryset.filter(model_version__in=_visible_versions(user, action))


# --------------------------------------------------------------------------------------
# Metric observations
# --------------------------------------------------------------------------------------
def observed_at_limit() -> datetime:
    """The latest `observed_at` accepted now: the server's clock plus the reporter's skew.

    A future observation would outlive every real one in "latest value" reads (the decay
    trigger, coverage checks); only the reporter's clock skew is tolerated.
    """
    return timezone.now() + timedelta(seconds=settings.CUSTODIA_METRIC_CLOCK_SKEW_SECONDS)


def observation_problems(*, value: float | None, observed_at: datetime | None,
                         latest_allowed: datetime) -> dict[str, list[str]]:
    """The per-value rules of an observation, as field → messages (empty: valid).

    One place for them: `MetricObservation.clean()` runs them for a single row, and the
    batch ingestion runs them over thousands of rows without a query per row.
    """
    problems: dict[str, list[str]] = {}
    if value is not None and (isinstance(value, bool) or not math.isfinite(value)):
        problems["value"] = ["A metric value is a finite number."]
    if observed_at is not None and observed_at > latest_allowed:
        skew = settings.CUSTODIA_METRIC_CLOCK_SKEW_SECONDS
        problems["observed_at"] = [
            "An observation cannot be in the future (more than "
            f"{skew} seconds ahead of the server's clock)."]
    return problems


class MetricObservationQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model", "deployment")


class MetricObservation(models.Model):
    """One measured value of a version (monitoring data: written once, never edited)."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="metric_observations")
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="metric_observations")
    name = models.CharField(max_length=60, help_text="Metric name, e.g. auc, psi, p99_ms.")
    kind = models.CharField(max_length=20, choices=MetricKind.choices,
                            default=MetricKind.PERFORMANCE)
    value = models.FloatField()
    # The B-tree serves newest-first pages and the retention cut; the composite index below
    # serves "latest value per version and metric".
    observed_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=100, blank=True,
                              help_text="Who measured it: pipeline, monitor, person.")
    # Rows are appended in `created_at` order, so on PostgreSQL a BRIN index on it (a few
    # pages for hundreds of millions of rows) finds what arrived since the last roll-up.
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MetricObservationQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_at", "-id"]
        indexes = [models.Index(fields=["model_version", "name", "-observed_at"])]

    def __str__(self) -> str:
        return f"{self.model_version} {self.name}={self.value:g} at {self.observed_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        problems = observation_problems(value=self.value, observed_at=self.observed_at,
                                        latest_allowed=observed_at_limit())
        if problems:
            raise ValidationError(problems)

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """An observation is as visible as its model."""
        return queryset.filter(model_version__in=_visible_versions(user, action))
