"""Housekeeping jobs of the core: worker heartbeat, outbox sweep, pruning of routine runs."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery.signals import worker_ready
from django.utils import timezone

from inventory.base.jobs import JobContext, custodia_job
from inventory.choices import JobStatus
from inventory.models import JobRun
from inventory.services.jobs import outbox_sweep, worker_heartbeat_record

HOUSEKEEPING_JOBS = ("inventory.health", "inventory.outbox_sweep")


@custodia_job("inventory.health")
def health(job: JobContext) -> dict:
    """Prove that beat schedules and a worker runs: record this worker's heartbeat."""
    heartbeat = worker_heartbeat_record(hostname=socket.gethostname())
    return {"worker": heartbeat.hostname, "at": heartbeat.last_seen.isoformat()}


@custodia_job("inventory.outbox_sweep")
def sweep_outbox(job: JobContext) -> dict:
    """Hand to the broker what could not be handed over when it was written."""
    return {"sent": outbox_sweep()}


@custodia_job("inventory.prune_job_runs")
def prune_job_runs(job: JobContext, *, keep_days: int = 2) -> dict:
    """Drop successful housekeeping runs after `keep_days`; every other run is kept."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = JobRun.objects.filter(name__in=HOUSEKEEPING_JOBS, status=JobStatus.SUCCEEDED,
                                       created_at__lt=cutoff).delete()
    return {"deleted": deleted}


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs) -> None:
    """A starting worker announces itself and delivers what waited while it was away."""
    worker_heartbeat_record(hostname=socket.gethostname())
    outbox_sweep()
