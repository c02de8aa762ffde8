"""Housekeeping jobs of the platform: worker heartbeat, outbox sweep, pruning of routine runs
and of old idempotency keys."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery.signals import worker_ready
from django.utils import timezone

from core.choices import JobStatus
from core.jobs import JobContext, custodia_job
from core.models import JobRun
from core.services.jobs import outbox_sweep, worker_heartbeat_record

# Jobs that run every few seconds or minutes: their successful runs are pruned after a while.
# Apps add theirs in their ready().
HOUSEKEEPING_JOBS = {"core.health", "core.outbox_sweep"}


@custodia_job("core.health")
def health(job: JobContext) -> dict:
    """Prove that beat schedules and a worker runs: record this worker's heartbeat."""
    heartbeat = worker_heartbeat_record(hostname=job.worker or socket.gethostname())
    return {"worker": heartbeat.hostname, "at": heartbeat.last_seen.isoformat()}


@custodia_job("core.outbox_sweep")
def sweep_outbox(job: JobContext) -> dict:
    """Hand to the broker what could not be handed over when it was written."""
    return {"sent": outbox_sweep()}


@custodia_job("core.prune_job_runs")
def prune_job_runs(job: JobContext, *, keep_days: int = 2) -> dict:
    """Drop successful housekeeping runs after `keep_days`; every other run is kept."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = JobRun.objects.filter(name__in=sorted(HOUSEKEEPING_JOBS), status=JobStatus.SUCCEEDED,
                                       created_at__lt=cutoff).delete()
    return {"deleted": deleted}


@worker_ready.connect
def _on_worker_ready(sender=None, **kwargs) -> None:
    """A starting worker announces itself and delivers what waited while it was away."""
    worker_heartbeat_record(hostname=getattr(sender, "hostname", "") or socket.gethostname())
    outbox_sweep()


@custodia_job("core.idempotency_prune")
def idempotency_prune(job: JobContext) -> dict:
    """Forget Idempotency-Keys older than CUSTODIA_IDEMPOTENCY_KEEP_DAYS."""
    from core.services.idempotency import idempotency_prune as prune

    return {"deleted": prune()}
