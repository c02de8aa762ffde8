"""Retention: policies, legal holds and the evidence of purged artifacts.

- `RetentionPolicy`: how long artifacts of versions in a stage are kept, per asset type
  and (optionally) per regulation (a compliance tag on the model or dataset). The longest
  matching policy wins: regulations set minimum retention periods.
- `LegalHold`: blocks every purge of what it covers until it is released.
- `PurgeRecord`: evidence of one artifact removed by the scheduled purge (append-only).
  Purging removes artifact *files* only: versions, their history and audit records stay.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import RetainedAssetType, RetentionStage

from .catalogue import ComplianceTag, Dataset, MLModel
from .versions import DatasetVersion, ModelVersion

__all__ = [
    "LegalHold",
    "LegalHoldQuerySet",
    "PurgeRecord",
    "PurgeRecordQuerySet",
    "RetentionPolicy",
    "RetentionPolicyQuerySet",
]


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
