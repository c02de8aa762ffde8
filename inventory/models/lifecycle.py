"""Retention, legal holds, purges and deprecation triggers (issue 4, items 6 and 7).

- `RetentionPolicy`: how long artifacts of versions in a stage are kept, per asset type
  and (optionally) per regulation (a compliance tag on the model or dataset). The longest
  matching policy wins: regulations set minimum retention periods.
- `LegalHold`: blocks every purge of what it covers until it is released.
- `PurgeRecord`: evidence of one artifact removed by the scheduled purge (append-only).
  Purging removes artifact *files* only: versions, their history and audit records stay.
- `DeprecationRule`: the performance-decay trigger (a metric past its threshold for N
  consecutive observations). `DeprecationSchedule`: per version, the planned deprecation
  or archival date and the validation/approval expiry dates (a separate record, because a
  production version itself is frozen). `DeprecationNotice`: the owners were told that a
  version will be deprecated or archived, when, and why; the change happens only after it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import ModelStage

from .assets import ComplianceTag, Dataset, MLModel
from .versions import DatasetVersion, ModelVersion

__all__ = [
    "DeprecationNotice",
    "DeprecationRule",
    "DeprecationSchedule",
    "LegalHold",
    "NoticeStatus",
    "PurgeRecord",
    "RetainedAssetType",
    "RetentionPolicy",
    "RetentionStage",
    "TriggerKind",
]


# --------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------
class RetainedAssetType(models.TextChoices):
    """Assets whose artifacts a retention policy governs."""

    MODEL_VERSION = "modelversion", "Model version artifacts"
    DATASET_VERSION = "datasetversion", "Dataset version files (held by Custodia)"


class RetentionStage(models.TextChoices):
    """Stages after which a model version's artifact may eventually be purged."""

    DEPRECATED = ModelStage.DEPRECATED.value, ModelStage.DEPRECATED.label
    ARCHIVED = ModelStage.ARCHIVED.value, ModelStage.ARCHIVED.label
    RETIRED = ModelStage.RETIRED.value, ModelStage.RETIRED.label


class TriggerKind(models.TextChoices):
    PERFORMANCE_DECAY = "performance_decay", "Performance decay"
    REGULATORY_EXPIRY = "regulatory_expiry", "Validation or approval expired"
    SCHEDULED = "scheduled", "Planned date reached"


class NoticeStatus(models.TextChoices):
    NOTIFIED = "notified", "Owners notified; change pending"
    APPLIED = "applied", "Change applied"
    CANCELLED = "cancelled", "Cancelled"
    REFUSED = "refused", "Change refused by the lifecycle rules"


class DecayDirection(models.TextChoices):
    BELOW = "below", "Below the threshold (higher is better, e.g. AUC)"
    ABOVE = "above", "Above the threshold (lower is better, e.g. drift, latency)"


TARGET_STAGES = [(ModelStage.DEPRECATED.value, ModelStage.DEPRECATED.label),
                 (ModelStage.ARCHIVED.value, ModelStage.ARCHIVED.label)]


# --------------------------------------------------------------------------------------
# Retention and legal holds
# --------------------------------------------------------------------------------------
class RetentionPolicyQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("regulation")


class RetentionPolicy(GovernedModel):
    """Keep artifacts of versions in `stage` for `retain_days` after they entered it."""

    name = models.CharField(max_length=100, unique=True)
    asset_type = models.CharField(max_length=20, choices=RetainedAssetType.choices,
                                  default=RetainedAssetType.MODEL_VERSION, db_index=True)
    regulation = models.ForeignKey(
        ComplianceTag, null=True, blank=True, on_delete=models.PROTECT,
        related_name="retention_policies",
        help_text="Applies only to assets carrying this compliance tag; empty: to every asset.")
    stage = models.CharField(
        max_length=20, choices=RetentionStage.choices, default=RetentionStage.RETIRED,
        help_text="Model versions: the clock starts when the version entered this stage. "
                  "Dataset versions: the clock starts at registration.")
    retain_days = models.PositiveIntegerField(
        help_text="Minimum days to keep the artifact, e.g. 2557 for 7 years.")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, db_index=True)

    objects = RetentionPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["asset_type", "name"]
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:inventory_retentionpolicy_change", args=[self.pk])


class LegalHoldQuerySet(GovernedQuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)

    def for_list(self):
        return self.select_related("model", "model_version", "model_version__model", "dataset",
                                   "dataset_version", "dataset_version__dataset", "placed_by")


class LegalHold(GovernedModel):
    """A litigation or regulatory hold: nothing it covers is purged until it is released.

    It covers one model (all its versions), one model version, one dataset (all its
    versions) or one dataset version.
    """

    reference = models.CharField(max_length=100, help_text="Case or matter reference.")
    reason = models.TextField()
    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="legal_holds")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="legal_holds")
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="legal_holds")
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="legal_holds")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)
    release_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    TARGETS = ("model", "model_version", "dataset", "dataset_version")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(model__isnull=False, model_version__isnull=True, dataset__isnull=True,
                      dataset_version__isnull=True)
                    | Q(model__isnull=True, model_version__isnull=False, dataset__isnull=True,
                        dataset_version__isnull=True)
                    | Q(model__isnull=True, model_version__isnull=True, dataset__isnull=False,
                        dataset_version__isnull=True)
                    | Q(model__isnull=True, model_version__isnull=True, dataset__isnull=True,
                        dataset_version__isnull=False)),
                name="legalhold_exactly_one_target",
                violation_error_message="A legal hold covers exactly one model, model version, "
                                        "dataset or dataset version."),
        ]

    def __str__(self) -> str:
        return f"{self.reference} on {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("admin:inventory_legalhold_change", args=[self.pk])

    @property
    def target(self):
        for name in self.TARGETS:
            value = getattr(self, name)
            if value is not None:
                return value
        return None

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    def clean(self) -> None:
        super().clean()
        chosen = [name for name in self.TARGETS if getattr(self, f"{name}_id") is not None]
        if len(chosen) != 1:
            raise ValidationError({"model_version": [
                "Choose exactly one of model, model version, dataset or dataset version."]})
        if self.released_at is not None and not self.release_reason.strip():
            raise ValidationError({"release_reason": ["Say why the hold is released."]})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A hold is visible with what it covers (a hold on a confidential model stays in
        its team)."""
        models_seen = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        datasets_seen = Dataset.restrict_visibility(Dataset.objects.all(), user, action)
        return queryset.filter(
            Q(model__in=models_seen.values("pk"))
            | Q(model_version__model__in=models_seen.values("pk"))
            | Q(dataset__in=datasets_seen.values("pk"))
            | Q(dataset_version__dataset__in=datasets_seen.values("pk")))


class PurgeRecordQuerySet(models.QuerySet):
    """Append-only evidence: never updated or deleted by the application."""

    def for_list(self):
        return self.select_related("model_version", "model_version__model", "dataset_version",
                                   "dataset_version__dataset", "policy")

    def update(self, **kwargs):
        raise PermissionError("Purge records are append-only.")

    def delete(self):
        raise PermissionError("Purge records are append-only.")


class PurgeRecord(models.Model):
    """One artifact file removed by the retention purge: what, under which policy, when."""

    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="purge_records")
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="purge_records")
    artifact_uri = models.CharField(max_length=500)
    storage_name = models.CharField(max_length=500, help_text="Path in the artifact storage.")
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes freed.")
    policy = models.ForeignKey(RetentionPolicy, on_delete=models.PROTECT,
                               related_name="purge_records")
    retained_until = models.DateTimeField(help_text="End of the retention period.")
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    actor = models.CharField(max_length=200)
    purged_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PurgeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-purged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["storage_name"], name="purgerecord_once_per_file",
                                    violation_error_message="This file was already purged."),
        ]

    def __str__(self) -> str:
        return f"Purged {self.artifact_uri} ({self.policy})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Purge records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Purge records are append-only.")

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        models_seen = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        datasets_seen = Dataset.restrict_visibility(Dataset.objects.all(), user, action)
        return queryset.filter(Q(model_version__model__in=models_seen.values("pk"))
                               | Q(dataset_version__dataset__in=datasets_seen.values("pk")))


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
