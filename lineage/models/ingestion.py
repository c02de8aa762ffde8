"""The OpenLineage event log: every RunEvent as received, the audit trail of the graph."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lineage.choices import RunState

__all__ = ["LineageEvent"]


class LineageEvent(models.Model):
    """One OpenLineage RunEvent as received; its hash makes ingestion idempotent."""

    event_hash = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=10, choices=RunState.choices)
    event_time = models.DateTimeField(db_index=True)
    run_id = models.CharField(max_length=64, db_index=True)
    job_namespace = models.CharField(max_length=300)
    job_name = models.CharField(max_length=500)
    producer = models.CharField(max_length=500, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-event_time", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.job_namespace}/{self.job_name} run {self.run_id}"
