"""Weights of the retraining priority score (one row, edited in the admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models.governed import GovernedModel, GovernedQuerySet

__all__ = ["PriorityWeights", "PriorityWeightsQuerySet"]


class PriorityWeightsQuerySet(GovernedQuerySet):
    def for_list(self):
        return self


class PriorityWeights(GovernedModel):
    """How much each part counts in the retraining priority: usage volume, business
    impact, risk tier and performance decay (each part scores 0 to 100; the score is their
    weighted mean)."""

    name = models.CharField(max_length=60, unique=True, default="default")
    usage_weight = models.FloatField(default=1.0, help_text="Weight of the usage volume.")
    impact_weight = models.FloatField(default=1.0,
                                      help_text="Weight of the declared business impact.")
    risk_weight = models.FloatField(default=1.0, help_text="Weight of the risk tier.")
    decay_weight = models.FloatField(default=2.0, help_text="Weight of the performance decay.")
    usage_metric = models.CharField(
        max_length=60, default="requests",
        help_text="The usage metric whose volume counts (summed over the window).")
    usage_window_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days of usage counted.")
    decay_full_at = models.FloatField(
        default=0.2, help_text="Degradation that scores the full 100 for decay (0.2 = 20 % "
                               "worse than the baseline).")

    objects = PriorityWeightsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "priority weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_weight__gte=0, impact_weight__gte=0, risk_weight__gte=0,
                            decay_weight__gte=0),
                name="priorityweights_non_negative",
                violation_error_message="Weights are zero or positive."),
        ]

    def __str__(self) -> str:
        return f"Retraining priority weights ({self.name})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:priority")

    def clean(self) -> None:
        super().clean()
        weights = (self.usage_weight, self.impact_weight, self.risk_weight, self.decay_weight)
        if any(w is not None and w < 0 for w in weights):
            raise ValidationError({"usage_weight": ["Weights are zero or positive."]})
        if all(w == 0 for w in weights):
            raise ValidationError({"decay_weight": ["At least one weight must be above zero."]})
        if self.decay_full_at is not None and self.decay_full_at <= 0:
            raise ValidationError({"decay_full_at": ["A positive fraction, e.g. 0.2."]})

    @classmethod
    def current(cls) -> PriorityWeights:
        """The weights in force (the defaults until someone edits them)."""
        weights = cls.objects.filter(name="default").first()
        return weights if weights is not None else cls(name="default")
