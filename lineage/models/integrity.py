"""Integrity of held data: when each held file was last re-hashed, and the findings that
need a person (changed or missing bytes, broken residency rules).

Findings are governance records and keep a full history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.models import DatasetVersion, ModelVersion
from lineage.choices import FindingKind, FindingStatus

__all__ = ["IntegrityCheck", "IntegrityFinding"]


class IntegrityCheck(models.Model):
    """When a held dataset version or model artefact was last re-hashed, and the result.

    The scheduled job takes the oldest rows with `select_for_update(skip_locked=True)`, so
    two workers share the work without hashing the same file twice.
    """

    dataset_version = models.OneToOneField(DatasetVersion, null=True, blank=True,
                                           on_delete=models.CASCADE,
                                           related_name="integrity_check")
    model_version = models.OneToOneField(ModelVersion, null=True, blank=True,
                                         on_delete=models.CASCADE,
                                         related_name="integrity_check")
    last_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_observed_sha256 = models.CharField(max_length=64, blank=True)
    last_ok = models.BooleanField(null=True)

    class Meta:
        ordering = ["last_checked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dataset_version__isnull=False, model_version__isnull=True)
                | Q(dataset_version__isnull=True, model_version__isnull=False),
                name="integritycheck_one_target",
                violation_error_message="A check is about a dataset version or a model version."),
        ]

    def __str__(self) -> str:
        return f"Integrity of {self.dataset_version or self.model_version}"


class IntegrityFindingQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("dataset_version__dataset", "model_version__model")


class IntegrityFinding(GovernedModel):
    """A discrepancy that needs a person: data changed, a held file is gone, a residency
    rule is broken. The stored checksum is never overwritten; resolving is a decision."""

    objects = IntegrityFindingQuerySet.as_manager()

    kind = models.CharField(max_length=30, choices=FindingKind.choices, db_index=True)
    status = models.CharField(max_length=10, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="findings")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="findings")
    expected_sha256 = models.CharField(max_length=64, blank=True)
    observed_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.TextField()
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The run that found it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The job may meet the same mismatch every night: one open finding per problem.
            models.UniqueConstraint(fields=["kind", "dataset_version"],
                                    condition=Q(status="open", dataset_version__isnull=False),
                                    name="integrityfinding_one_open_per_dataset_version"),
            models.UniqueConstraint(fields=["kind", "model_version"],
                                    condition=Q(status="open", model_version__isnull=False),
                                    name="integrityfinding_one_open_per_model_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        return self.dataset_version or self.model_version

    def get_absolute_url(self) -> str:
        return self.subject.get_absolute_url() if self.subject else ""

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A finding is as visible as the record it is about."""
        visible_dv = DatasetVersion.restrict_visibility(DatasetVersion.objects.all(), user, action)
        visible_mv = ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action)
        return queryset.filter(Q(dataset_version__in=visible_dv.values("pk"))
                               | Q(model_version__in=visible_mv.values("pk")))
