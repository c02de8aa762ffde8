"""Fleet: the deployment events CI/CD and serving platforms post (created, scaled, moved,
removed, rolled back). Each event is kept as received, with what it did to the inventory's
`Deployment` records (which keep their own history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from inventory.choices import DeploymentEnvironment
from inventory.models import Deployment, ModelVersion
from monitoring.choices import DeploymentEventKind, DeploymentEventOutcome

__all__ = ["DeploymentEvent", "DeploymentEventQuerySet", "visible_versions"]


def visible_versions(user, action: str):
    """Ids of the versions `user` may see through their model (confidential models stay in
    their team): monitoring records are as visible as the model they are about."""
    return ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action).values("pk")


class DeploymentEventQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("model_version__model", "to_model_version",
                                   "deployment", "reported_by")


class DeploymentEvent(models.Model):
    """One event about where a model version runs, as reported (append-only evidence)."""

    kind = models.CharField(max_length=20, choices=DeploymentEventKind.choices, db_index=True)
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="deployment_events",
                                      help_text="The version the event is about.")
    to_model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Rollback: the earlier version that serves again.")
    environment = models.CharField(max_length=20, choices=DeploymentEnvironment.choices,
                                   db_index=True)
    region = models.CharField(max_length=40, blank=True, db_index=True)
    segment = models.CharField(max_length=60, blank=True, db_index=True)
    to_region = models.CharField(max_length=40, blank=True,
                                 help_text="Move: the region it runs in now.")
    to_segment = models.CharField(max_length=60, blank=True,
                                  help_text="Move: the segment it serves now.")
    replicas = models.PositiveIntegerField(null=True, blank=True)
    endpoint = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When the platform says it happened.")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=DeploymentEventOutcome.choices,
                               db_index=True)
    detail = models.TextField(blank=True)
    deployment = models.ForeignKey(Deployment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="events",
                                   help_text="The deployment serving after the event.")

    objects = DeploymentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["model_version", "-received_at"])]

    def __str__(self) -> str:
        where = "/".join(p for p in (self.environment, self.region, self.segment) if p)
        return f"{self.get_kind_display()}: {self.model_version} @ {where}"

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url()

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """An event is as visible as its model."""
        return queryset.filter(model_version__in=visible_versions(user, action))
