"""Governance jobs: thin Celery tasks calling the services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from governance.services.approvals import approval_requests_expire

EXPIRE_JOB = "governance.approval_requests_expire"


@custodia_job(EXPIRE_JOB)
def approval_requests_expire_job(job: JobContext) -> dict:
    """Close the promotion requests past their expiry; they cannot be revived."""
    return {"expired": approval_requests_expire(reason=f"Expired (job run {job.run.pk})")}
