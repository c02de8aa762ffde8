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

HOUSEKEEPING_JOBS = ("inventory.health", "inventory.outbox_sweep", "inventory.webhook_retry_due",
                     "inventory.webhook_deliver")


@custodia_job("inventory.health")
def health(job: JobContext) -> dict:
    """Prove that beat schedules and a worker runs: record this worker's heartbeat."""
    heartbeat = worker_heartbeat_record(hostname=job.worker or socket.gethostname())
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
    worker_heartbeat_record(hostname=getattr(sender, "hostname", "") or socket.gethostname())
    outbox_sweep()


# --------------------------------------------------------------------------------------
# Lifecycle, retention and webhooks (issue 4, items 6-8): thin wrappers of the services
# --------------------------------------------------------------------------------------
@custodia_job("inventory.deprecation_triggers")
def deprecation_triggers(job: JobContext, *, dry_run: bool = False, today: str = "") -> dict:
    """Notify owners of coming deprecations/archivals and make those that are due."""
    from datetime import date

    from inventory.services.deprecation import deprecation_run

    return deprecation_run(dry_run=dry_run, today=date.fromisoformat(today) if today else None,
                           job_run=job.run)


@custodia_job("inventory.deprecation_notify")
def deprecation_notify(job: JobContext, *, notice_id: int) -> dict:
    """E-mail one deprecation notice to the version's owner and steward."""
    from inventory.services.deprecation import deprecation_notice_send

    return {"notice": notice_id, "sent": deprecation_notice_send(notice_id=notice_id)}


@custodia_job("inventory.retention_purge")
def retention_purge(job: JobContext, *, dry_run: bool = False) -> dict:
    """Delete held artifacts past retention and not under a legal hold; report each."""
    from inventory.services.retention import retention_purge as purge

    return purge(dry_run=dry_run, job_run=job.run, progress=job.progress)


@custodia_job("inventory.webhook_deliver")
def webhook_deliver(job: JobContext, *, delivery_id: int) -> dict:
    """One signed HTTP attempt of a webhook delivery (retries are scheduled, not looped)."""
    from inventory.services.webhooks import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return {"delivery": delivery_id, "skipped": "already finished"}
    return {"delivery": delivery_id, "status": delivery.status, "attempts": delivery.attempts,
            "response_status": delivery.last_response_status}


@custodia_job("inventory.webhook_retry_due")
def webhook_retry_due(job: JobContext) -> dict:
    """Queue the webhook retries whose back-off has elapsed."""
    from inventory.services.webhooks import webhook_deliveries_due

    return {"queued": webhook_deliveries_due()}


@custodia_job("inventory.idempotency_prune")
def idempotency_prune(job: JobContext) -> dict:
    """Forget Idempotency-Keys older than CUSTODIA_IDEMPOTENCY_KEEP_DAYS."""
    from inventory.services.idempotency import idempotency_prune as prune

    return {"deleted": prune()}
