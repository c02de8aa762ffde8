"""Monitoring jobs: thin Celery tasks calling the monitoring services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from monitoring.services.health import health_check

HEALTH_JOB = "monitoring.health_check"


@custodia_job(HEALTH_JOB)
def monitoring_health_check(job: JobContext) -> dict:
    """Raise, refresh and resolve monitoring-coverage findings (one pass over the fleet)."""
    return health_check(job_run=job.run)
