"""Compliance jobs: thin Celery tasks calling the compliance service (imported by the app's
`ready()`, so the worker knows them)."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from governance.services.compliance import RECOMPUTE_JOB, compliance_recompute


@custodia_job(RECOMPUTE_JOB)
def compliance_recompute_all(job: JobContext, *, trigger: str = "Scheduled full recompute",
                             batch_size: int = 200) -> dict:
    """Recompute every model's compliance status; only changed outcomes are written."""
    return compliance_recompute(trigger=trigger, job_run=job.run, progress=job.progress,
                                batch_size=int(batch_size))
