"""Deprecation: the triggers that retire model versions, and the notices sent first.

- `DeprecationRule`: the performance-decay trigger (a metric past its threshold for N
  consecutive observations).
- `DeprecationSchedule`: per version, the planned deprecation or archival date and the
  validation/approval expiry dates (a separate record, because a production version itself
  is frozen).
- `DeprecationNotice`: the owners were told that a version will be deprecated or archived,
  when, and why; the change happens only after it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import TARGET_STAGES, DecayDirection, NoticeStatus, TriggerKind

from .catalogue import MLModel
from .versions import ModelVersion

__all__ = [
    "DeprecationNotice",
    "DeprecationNoticeQuerySet",
    "DeprecationRule",
    "DeprecationRuleQuerySet",
    "DeprecationSchedule",
    "DeprecationScheduleQuerySet",
]


# --------------------------------------------------------------------------------------
# Deprecation triggers
# --------------------------------------------------------------------------------------
class DeprecationRuleQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model")


class DeprecationRule(GovernedModel):
    """Performance decay: `metric` past `threshold` in the last `consecutive` observations."""

    name = models.CharField(max_length=100, unique=True)
    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="deprecation_rules",
                              help_text="Empty: applies to every model in production.")
    metric = models.CharField(max_length=60, help_text="Metric name, e.g. auc.")
    direction = models.CharField(max_length=10, choices=DecayDirection.choices,
                                 default=DecayDirection.BELOW)
    threshold = models.FloatField()
    consecutive = models.PositiveSmallIntegerField(
        default=3, help_text="How many observations in a row must be past the threshold.")
    notice_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days between notifying the owners and deprecating.")
    active = models.BooleanField(default=True, db_index=True)

    objects = DeprecationRuleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(consecutive__gte=1),
                                   name="deprecationrule_consecutive_positive",
                                   violation_error_message="At least one observation is needed."),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:inventory_deprecationrule_change", args=[self.pk])

    def breached(self, value: float) -> bool:
        return value < self.threshold if self.direction == DecayDirection.BELOW else (
            value > self.threshold)

    def describe(self) -> str:
        word = "below" if self.direction == DecayDirection.BELOW else "above"
        return (f"{self.metric} {word} {self.threshold:g} in {self.consecutive} consecutive "
                f"observations (rule “{self.name}”)")


class DeprecationScheduleQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model")


class DeprecationSchedule(GovernedModel):
    """Planned dates of one version's end of life, and when its validation/approval expire."""

    model_version = models.OneToOneField(ModelVersion, on_delete=models.PROTECT,
                                         related_name="deprecation_schedule")
    deprecate_on = models.DateField(null=True, blank=True,
                                    help_text="Planned deprecation date agreed with the business.")
    archive_on = models.DateField(null=True, blank=True, help_text="Planned archival date.")
    validation_expires_on = models.DateField(
        null=True, blank=True, help_text="The independent validation is valid until this date.")
    approval_expires_on = models.DateField(
        null=True, blank=True, help_text="The approval to run in production ends on this date.")
    notice_days = models.PositiveSmallIntegerField(
        default=14, help_text="Owners are notified this many days before the change.")

    objects = DeprecationScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["deprecate_on", "id"]

    def __str__(self) -> str:
        return f"End of life of {self.model_version}"

    def get_absolute_url(self) -> str:
        return reverse("admin:inventory_deprecationschedule_change", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.deprecate_on and self.archive_on and self.archive_on < self.deprecate_on:
            raise ValidationError({"archive_on": ["Archival comes after deprecation."]})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        models_seen = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model_version__model__in=models_seen.values("pk"))


class DeprecationNoticeQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("model_version", "model_version__model", "rule")


class DeprecationNotice(models.Model):
    """The owners of a version were told it will move to `target_stage` on `effective_on`.

    At most one open notice per version, trigger and target (a database constraint), so
    two trigger runs at once notify once.
    """

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="deprecation_notices")
    trigger = models.CharField(max_length=30, choices=TriggerKind.choices)
    target_stage = models.CharField(max_length=20, choices=TARGET_STAGES)
    rule = models.ForeignKey(DeprecationRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="notices")
    reason = models.TextField()
    recipients = models.JSONField(default=list, blank=True,
                                  help_text="User names and addresses notified.")
    effective_on = models.DateField(help_text="The change happens on or after this date.")
    status = models.CharField(max_length=20, choices=NoticeStatus.choices,
                              default=NoticeStatus.NOTIFIED, db_index=True)
    outcome = models.TextField(blank=True)
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = DeprecationNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-notified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "trigger", "target_stage"],
                condition=Q(status="notified"), name="deprecationnotice_one_open",
                violation_error_message="An open notice already exists for this change."),
        ]

    def __str__(self) -> str:
        return (f"{self.model_version} → {self.target_stage} on {self.effective_on} "
                f"({self.get_trigger_display().lower()})")

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        models_seen = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model_version__model__in=models_seen.values("pk"))
