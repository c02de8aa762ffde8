"""Monitoring jobs: thin Celery tasks calling the monitoring services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from inventory.models import Deployment
from monitoring.services.health import health_check

HEALTH_JOB = "monitoring.health_check"


@custodia_job(HEALTH_JOB)
def monitoring_health_check(job: JobContext, *, model_version_id: int | None = None) -> dict:
    """Raise, refresh and resolve monitoring-coverage findings: one pass over the fleet, or
    over one version's deployments (queued when its stage changed)."""
    if model_version_id is None:
        return health_check(job_run=job.run)
    deployment_ids = list(Deployment.objects.filter(model_version_id=int(model_version_id))
                          .values_list("pk", flat=True))
    return health_check(job_run=job.run, deployment_ids=deployment_ids)
