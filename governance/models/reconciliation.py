"""Reconciliation: what reality reports (listings from deployment pipelines, serving
platforms and artifact stores) and the findings where the inventory and reality disagree.

A listing is evidence as received: written once, never edited. A finding is a governance
record with a full history; its `key` names the problem (not the run that found it), so a
re-run updates the same row instead of adding another.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from governance.choices import FindingKind, FindingStatus, RealitySourceKind
from inventory.choices import DeploymentEnvironment
from inventory.models import MLModel, ModelVersion

__all__ = ["Finding", "FindingQuerySet", "RealityItem", "RealityListing"]


class RealityListingQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("submitted_by")


class RealityListing(models.Model):
    """One snapshot of what a platform says it runs or stores, POSTed or uploaded.

    Reconciliation reads the latest listing of each (kind, source): a platform that sends a
    new listing replaces what it said before.
    """

    kind = models.CharField(max_length=30, choices=RealitySourceKind.choices, db_index=True)
    source = models.CharField(max_length=100, db_index=True,
                              help_text="The platform or store listed, e.g. sagemaker-eu-west-1.")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=200, blank=True,
                                 help_text="The uploaded file, when the listing came as one.")
    item_count = models.PositiveIntegerField(default=0)

    objects = RealityListingQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["kind", "source", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.source} ({self.item_count} items)"

    def get_absolute_url(self) -> str:
        return reverse("governance:finding_list")


class RealityItem(models.Model):
    """One thing a listing reports: a model (version) running somewhere, or a stored file."""

    listing = models.ForeignKey(RealityListing, on_delete=models.CASCADE, related_name="items")
    model_name = models.CharField(max_length=100, blank=True,
                                  help_text="The model's registered name, as the platform knows it.")
    version = models.PositiveIntegerField(null=True, blank=True)
    environment = models.CharField(max_length=20, choices=DeploymentEnvironment.choices,
                                   blank=True)
    region = models.CharField(max_length=40, blank=True)
    endpoint = models.CharField(max_length=500, blank=True)
    artifact_uri = models.CharField(max_length=500, blank=True,
                                    help_text="Where the file is stored (artifact-store listings).")

    class Meta:
        ordering = ["listing", "id"]

    def __str__(self) -> str:
        if self.artifact_uri:
            return self.artifact_uri
        version = f" v{self.version}" if self.version else ""
        return f"{self.model_name}{version} @ {self.environment or '?'}"


class FindingQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model", "model_version", "owner", "last_run")


class Finding(GovernedModel):
    """A place where the inventory and reality disagree, with who must fix it and by when.

    Reconciliation opens, reopens and closes findings; people move them to "being fixed"
    or "marked fixed". Every change is in the history with who and why.
    """

    key = models.CharField(max_length=300, unique=True, editable=False,
                           help_text="Names the problem, so a re-run finds the same finding.")
    kind = models.CharField(max_length=20, choices=FindingKind.choices, db_index=True)
    status = models.CharField(max_length=20, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    subject = models.CharField(max_length=500,
                               help_text="What the finding is about, in words.")
    detail = models.TextField(help_text="What reconciliation saw.")
    source = models.CharField(max_length=200, blank=True,
                              help_text="Where reality said so (listing, deployment, store).")
    model = models.ForeignKey(MLModel, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="reconciliation_findings")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.SET_NULL,
                                      related_name="reconciliation_findings")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="findings_owned",
                              help_text="Who must fix it.")
    remediation = models.TextField(help_text="The task that fixes it.")
    due_on = models.DateField(db_index=True, help_text="When the remediation is due.")
    first_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    times_reopened = models.PositiveIntegerField(default=0)
    last_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The run that last changed it.")

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["owner", "status"]),
        ]
        permissions = [
            ("work_finding", "Can work on a reconciliation finding (status, owner)"),
            ("run_reconciliation", "Can start a reconciliation run"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("governance:finding_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status != FindingStatus.CLOSED and self.due_on < timezone.localdate()

    @property
    def age_days(self) -> int:
        end = self.closed_at or timezone.now()
        return max(0, (end - self.first_seen_at).days)

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A finding about a model is as visible as the model; others (files and endpoints
        no record explains) are visible to whoever holds the permission."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(Q(model__isnull=True) | Q(model__in=visible.values("pk")))
