"""Housekeeping jobs of the platform: worker heartbeat, outbox sweep, pruning of routine runs
and of old idempotency keys."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery import current_app
from celery.signals import worker_ready, worker_shutdown
from django.utils import timezone

from core.choices import JobStatus
from core.jobs import JobContext, custodia_job
from core.models import JobRun
from core.services.jobs import outbox_sweep, worker_heartbeat_forget, worker_heartbeat_record

# Jobs that run every few seconds or minutes: their successful runs are pruned after a while.
# Apps add theirs in their ready().
HOUSEKEEPING_JOBS = {"core.health", "core.outbox_sweep", "core.audit_checkpoint"}


@custodia_job("core.health")
def health(job: JobContext) -> dict:
    """Prove that beat and the workers run: record a heartbeat for this worker and for every
    worker that answers a ping, so /healthz can tell which expected worker is missing."""
    hostnames = sorted({job.worker or socket.gethostname(), *_workers_answering_ping()})
    for hostname in hostnames:
        worker_heartbeat_record(hostname=hostname)
    return {"workers": hostnames}


def _workers_answering_ping() -> set[str]:
    try:
        replies = current_app.control.ping(timeout=1.0) or []
    except Exception:  # a transport without broadcast (the embedded filesystem broker)
        return set()
    return {hostname for reply in replies for hostname in reply}


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


@worker_shutdown.connect
def _on_worker_shutdown(sender=None, **kwargs) -> None:
    """A worker stopped on purpose is no longer expected; one that dies keeps its row and is
    reported missing by /healthz."""
    worker_heartbeat_forget(hostname=getattr(sender, "hostname", "") or socket.gethostname())


@custodia_job("core.idempotency_prune")
def idempotency_prune(job: JobContext) -> dict:
    """Forget Idempotency-Keys older than CUSTODIA_IDEMPOTENCY_KEEP_DAYS."""
    from core.services.idempotency import idempotency_prune as prune

    return {"deleted": prune()}


@custodia_job("core.audit_chain_verify")
def audit_chain_verify_job(job: JobContext) -> dict:
    """Verify the whole audit chain and keep the outcome (a broken chain alerts on the home
    dashboard and the audit trail page)."""
    from core.services.audit_chain import audit_chain_verify, audit_verification_record

    started = timezone.now()
    report = audit_chain_verify(progress=job.progress)
    audit_verification_record(report=report, started_at=started)
    if not report.intact:
        job.log(f"BROKEN at entry #{report.broken_seq}: {report.problem}")
    return {"intact": report.intact, "entries_checked": report.entries_checked,
            "broken_seq": report.broken_seq, "problem": report.problem}


@custodia_job("core.audit_checkpoint")
def audit_checkpoint_job(job: JobContext) -> dict:
    """Sign the audit chain's head, so cutting entries off its end is detected."""
    from core.services.audit_chain import audit_checkpoint_create

    checkpoint = audit_checkpoint_create()
    return {"checkpoint_seq": checkpoint.seq if checkpoint else None}
