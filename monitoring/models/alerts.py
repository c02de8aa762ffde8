"""Degradation thresholds and retraining alerts.

A `MetricThreshold` says when a metric is bad: for one model, or as the default of a risk
tier (a model's own threshold wins). The degradation job compares each version's recent
mean (hourly roll-ups of the evaluation window) with the threshold and with the version's
own baseline (its first days of daily roll-ups); a breach opens a `RetrainingAlert` to the
model's owner, which resolves itself when the metric recovers. An alert open for
`decay_after_days` feeds the lifecycle's performance-decay trigger.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import DecayDirection, RiskTier
from inventory.models import MLModel, ModelVersion
from monitoring.choices import ACTIVE_ALERT_STATUSES, AlertStatus, BreachKind

__all__ = [
    "MetricThreshold",
    "MetricThresholdQuerySet",
    "RetrainingAlert",
    "RetrainingAlertQuerySet",
]


class MetricThresholdQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model")


class MetricThreshold(GovernedModel):
    """When a metric counts as degraded: for one model, or by default for a risk tier."""

    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="metric_thresholds",
                              help_text="Empty: the default for every model of the risk tier.")
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, blank=True,
                                 help_text="For a default threshold: the tier it applies to.")
    metric = models.CharField(max_length=60, help_text="Metric name, e.g. auc or p99_ms.")
    direction = models.CharField(
        max_length=10, choices=DecayDirection.choices, default=DecayDirection.BELOW,
        help_text="Below: lower is worse (AUC). Above: higher is worse (latency, drift).")
    limit = models.FloatField(help_text="The value past which the metric is degraded.")
    baseline_tolerance = models.FloatField(
        null=True, blank=True,
        help_text="Also alert when the metric is this fraction worse than the version's own "
                  "baseline (0.05 = 5 % worse). Empty: compare with the threshold only.")
    decay_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=7,
        help_text="An alert still open after this many days starts the lifecycle's "
                  "deprecation notice. Empty: never.")
    active = models.BooleanField(default=True, db_index=True)

    objects = MetricThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "model__name", "risk_tier"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(model__isnull=False, risk_tier="")
                           | Q(model__isnull=True) & ~Q(risk_tier="")),
                name="metricthreshold_model_or_tier",
                violation_error_message="Choose a model, or a risk tier for a default "
                                        "threshold — not both."),
            models.UniqueConstraint(
                fields=["model", "metric"], condition=Q(model__isnull=False),
                name="metricthreshold_one_per_model_metric",
                violation_error_message="This model already has a threshold for this metric."),
            models.UniqueConstraint(
                fields=["risk_tier", "metric"], condition=Q(model__isnull=True),
                name="metricthreshold_one_default_per_tier_metric",
                violation_error_message="This risk tier already has a default threshold for "
                                        "this metric."),
            models.CheckConstraint(
                condition=Q(baseline_tolerance__isnull=True) | Q(baseline_tolerance__gt=0),
                name="metricthreshold_tolerance_positive",
                violation_error_message="The baseline tolerance is a positive fraction, e.g. "
                                        "0.05 for 5 %."),
        ]
        indexes = [models.Index(fields=["metric", "active"])]

    def __str__(self) -> str:
        scope = self.model.name if self.model_id else f"{self.get_risk_tier_display()} tier"
        word = "below" if self.direction == DecayDirection.BELOW else "above"
        return f"{self.metric} {word} {self.limit:g} ({scope})"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:threshold_list") + f"?metric={self.metric}"

    def clean(self) -> None:
        super().clean()
        if self.model_id and self.risk_tier:
            raise ValidationError({"risk_tier": ["A model's own threshold has no risk tier; "
                                                 "leave it empty."]})
        if not self.model_id and not self.risk_tier:
            raise ValidationError({"risk_tier": ["Choose the risk tier this default applies "
                                                 "to, or a model."]})
        if self.limit is not None and not math.isfinite(self.limit):
            raise ValidationError({"limit": ["A finite number."]})
        if self.baseline_tolerance is not None and not 0 < self.baseline_tolerance < 10:
            raise ValidationError({"baseline_tolerance": [
                "A positive fraction, e.g. 0.05 for 5 % worse than the baseline."]})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A model's threshold is as visible as the model; tier defaults are visible to all."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(Q(model__isnull=True) | Q(model__in=visible.values("pk")))


class RetrainingAlertQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model",
                                   "model_version__model__owner", "owner")

    def active(self):
        return self.filter(status__in=ACTIVE_ALERT_STATUSES)


class RetrainingAlert(GovernedModel):
    """A version's metric degraded: its owner should consider retraining it."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="retraining_alerts")
    metric = models.CharField(max_length=60)
    threshold = models.ForeignKey(MetricThreshold, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="alerts")
    status = models.CharField(max_length=20, choices=AlertStatus.choices,
                              default=AlertStatus.OPEN, db_index=True)
    breach = models.CharField(max_length=10, choices=BreachKind.choices)
    current_value = models.FloatField(help_text="Mean over the evaluation window.")
    limit = models.FloatField(help_text="The threshold when last checked.")
    baseline = models.FloatField(null=True, blank=True,
                                 help_text="The version's own baseline mean, if known.")
    degradation = models.FloatField(
        default=0.0, help_text="How much worse than the baseline (0.1 = 10 % worse); "
                               "past the threshold without a baseline: how far past it.")
    observations = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="retraining_alerts",
                              help_text="Who was alerted: the model's owner.")
    opened_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(help_text="When the last check still found it.")
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="What the owner is doing about it.")

    objects = RetrainingAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "metric"],
                condition=Q(status__in=ACTIVE_ALERT_STATUSES),
                name="retrainingalert_one_active_per_metric",
                violation_error_message="This version already has an open alert for this "
                                        "metric."),
        ]
        indexes = [
            models.Index(fields=["status", "-opened_at"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.metric} degraded"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:alert_detail", args=[self.pk])

    @property
    def explanation(self) -> str:
        """The alert in one plain sentence."""
        threshold = self.threshold
        word = "below" if threshold is None or threshold.direction == DecayDirection.BELOW \
            else "above"
        parts = []
        if self.breach in (BreachKind.THRESHOLD, BreachKind.BOTH):
            parts.append(f"{self.metric} averaged {self.current_value:.4g}, {word} its "
                         f"threshold of {self.limit:g}")
        if self.breach in (BreachKind.BASELINE, BreachKind.BOTH) and self.baseline is not None:
            parts.append(f"{self.degradation:.0%} worse than this version's baseline of "
                         f"{self.baseline:.4g}")
        return "; ".join(parts) + "."

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """An alert is as visible as its model."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model_version__model__in=visible.values("pk"))
