"""Metric storage at scale: roll-ups of the raw observations, and ingestion receipts.

Raw points stay in `inventory.MetricObservation` (append-only, the API path
`/api/v1/metrics/`). A scheduled job folds them into hourly and daily `MetricRollup`s, which
every chart, trend and degradation check reads, so those reads cost the same whatever the
number of raw rows; raw points past their retention are then deleted. A `MetricBatch`
records who sent each batch of observations (observations are monitoring data, not
governed records: one receipt per batch instead of a history row per point).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from inventory.choices import MetricKind
from inventory.models import Deployment, MLModel, ModelVersion
from monitoring.choices import Granularity

__all__ = [
    "JobLock",
    "MetricBatch",
    "MetricBatchQuerySet",
    "MetricRollup",
    "MetricRollupQuerySet",
]


def _visible_versions(user, action: str):
    visible_models = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
    return ModelVersion.objects.filter(model__in=visible_models.values("pk")).values("pk")


class MetricRollupQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model", "deployment")


class MetricRollup(models.Model):
    """Count, sum, minimum and maximum of one metric of one version (at one deployment)
    over one hour or one day. Rebuilt from the raw points by the roll-up job; never edited."""

    granularity = models.CharField(max_length=4, choices=Granularity.choices)
    bucket_start = models.DateTimeField(help_text="Start of the hour or day (UTC).")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="metric_rollups")
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="metric_rollups")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=MetricKind.choices)
    count = models.PositiveIntegerField()
    total = models.FloatField(help_text="Sum of the values (mean = total / count).")
    minimum = models.FloatField()
    maximum = models.FloatField()

    objects = MetricRollupQuerySet.as_manager()

    class Meta:
        ordering = ["-bucket_start", "model_version_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["granularity", "bucket_start", "model_version", "deployment", "name"],
                nulls_distinct=False, name="metricrollup_one_per_bucket",
                violation_error_message="This bucket is already rolled up."),
        ]
        indexes = [
            models.Index(fields=["model_version", "name", "granularity", "bucket_start"]),
            models.Index(fields=["granularity", "bucket_start"]),
            models.Index(fields=["kind", "granularity", "bucket_start"]),
        ]

    def __str__(self) -> str:
        return (f"{self.model_version} {self.name} {self.get_granularity_display().lower()} "
                f"{self.bucket_start:%Y-%m-%d %H:%M}")

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A roll-up is as visible as its model."""
        return queryset.filter(model_version__in=_visible_versions(user, action))


class MetricBatchQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("submitted_by")


class MetricBatch(models.Model):
    """The receipt of one batch of observations: who sent it, when, how many rows, for
    which versions and which period. Written once with the rows it stored."""

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=100, blank=True,
                              help_text="The monitoring system that sent it.")
    row_count = models.PositiveIntegerField()
    model_versions = models.JSONField(default=list, help_text="Ids of the versions measured.")
    first_observed_at = models.DateTimeField()
    last_observed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = MetricBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["submitted_by", "-created_at"])]

    def __str__(self) -> str:
        return f"Batch #{self.pk}: {self.row_count} observations"


class JobLock(models.Model):
    """One row per singleton job (roll-up, retention, degradation check): a run holds its
    row with `select_for_update(skip_locked=True)`, so a second worker skips instead of
    doing the same work at the same time. `done_until` is the job's progress mark."""

    name = models.CharField(max_length=60, unique=True)
    done_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
