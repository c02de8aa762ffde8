"""Governance jobs: thin Celery tasks calling the services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from governance.services.approvals import approval_requests_expire
from governance.services.reconciliation import RECONCILE_JOB, reconciliation_run
from governance.services.reports import SCHEDULED_REPORT_TASK, report_schedule_run


@custodia_job(RECONCILE_JOB)
def reconcile(job: JobContext) -> dict:
    """Compare the inventory with reality; open, reopen and close findings."""
    return reconciliation_run(job_run=job.run, progress=job.progress)


@custodia_job(SCHEDULED_REPORT_TASK)
def report_scheduled(job: JobContext, *, schedule_id: int) -> dict:
    """Produce a scheduled report (started by beat)."""
    job.progress(10, "Building the report")
    return report_schedule_run(schedule_id=int(schedule_id), job_run=job.run)

EXPIRE_JOB = "governance.approval_requests_expire"


@custodia_job(EXPIRE_JOB)
def approval_requests_expire_job(job: JobContext) -> dict:
    """Close the promotion requests past their expiry; they cannot be revived."""
    return {"expired": approval_requests_expire(reason=f"Expired (job run {job.run.pk})")}
