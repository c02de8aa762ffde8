"""Monitoring jobs: thin Celery tasks calling the monitoring services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from inventory.models import Deployment
from monitoring.services.health import health_check

HEALTH_JOB = "monitoring.health_check"
ROLLUP_JOB = "monitoring.metric_rollup"
RETENTION_JOB = "monitoring.metric_retention"
DEGRADATION_JOB = "monitoring.degradation_check"


@custodia_job(HEALTH_JOB)
def monitoring_health_check(job: JobContext, *, model_version_id: int | None = None) -> dict:
    """Raise, refresh and resolve monitoring-coverage findings: one pass over the fleet, or
    over one version's deployments (queued when its stage changed)."""
    if model_version_id is None:
        return health_check(job_run=job.run)
    deployment_ids = list(Deployment.objects.filter(model_version_id=int(model_version_id))
                          .values_list("pk", flat=True))
    return health_check(job_run=job.run, deployment_ids=deployment_ids)


@custodia_job(ROLLUP_JOB)
def metric_rollup(job: JobContext) -> dict:
    """Fold newly arrived observations into hourly and daily roll-ups."""
    from monitoring.services.rollups import metric_rollup_run

    return metric_rollup_run(progress=job.progress)


@custodia_job(RETENTION_JOB)
def metric_retention(job: JobContext) -> dict:
    """Delete raw observations (and hourly roll-ups) past their retention."""
    from monitoring.services.rollups import metric_retention_run

    return metric_retention_run()


@custodia_job(DEGRADATION_JOB)
def degradation_check(job: JobContext) -> dict:
    """Open, refresh or resolve retraining alerts from the latest roll-ups."""
    from monitoring.services.alerts import degradation_run

    return degradation_run(job_run=job.run)


@custodia_job("monitoring.retraining_alert_notify")
def retraining_alert_notify(job: JobContext, *, alert_id: int) -> dict:
    """E-mail one retraining alert to the model's owner and steward."""
    from monitoring.services.alerts import retraining_alert_notify as notify

    return {"alert": alert_id, "sent": notify(alert_id=alert_id)}
