"""`custodia_job`: a Celery task that records a JobRun, sets its audit actor and runs once.

    @custodia_job("lineage.rehash")
    def rehash(job: JobContext, *, dataset_id: int) -> dict: ...

Every run has a `JobRun` row (created by `job_run_submit`, or here when beat starts it);
history written by the job names `job:<name>:<run id>` as its actor; work enqueued through
the outbox runs once even when the message is delivered twice.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task

from core.audit import audit_context
from core.models import JobRun
from core.services import job_runs
from core.services.jobs import outbox_message_claim, outbox_message_finish

__all__ = ["JobContext", "custodia_job"]


@dataclass
class JobContext:
    """What a job body may use: its run row, progress and log."""

    run: JobRun
    worker: str = ""  # the Celery node running the job, e.g. `worker@host`

    def progress(self, percent: int, message: str = "") -> None:
        job_runs.job_run_progress(run=self.run, percent=percent, message=message)

    def log(self, message: str) -> None:
        job_runs.job_run_log(run=self.run, message=message)


def custodia_job(name: str, **task_options: Any) -> Callable:
    """Register `body(job, **kwargs) -> dict` as the Celery task `name`."""

    def decorator(body: Callable[..., dict | None]):
        @shared_task(name=name, bind=True, **task_options)
        def task(self, *args, job_run_id: int | None = None, outbox_id: int | None = None,
                 **kwargs):
            if not outbox_message_claim(outbox_id):
                return {"skipped": "this work already ran"}
            run = _run_for(name, job_run_id, kwargs)
            job_runs.job_run_start(run=run, task_id=self.request.id or "")
            try:
                with audit_context(user=run.user, label=f"job:{name}:{run.pk}",
                                   reason=f"Scheduled job {name}"):
                    context = JobContext(run, worker=self.request.hostname or "")
                    result = body(context, *args, **kwargs) or {}
            except Exception as error:
                job_runs.job_run_finish(run=run, succeeded=False,
                                        error=f"{error}\n{traceback.format_exc(limit=5)}")
                outbox_message_finish(outbox_id, succeeded=False, error=str(error))
                raise
            job_runs.job_run_finish(run=run, succeeded=True, result=result)
            outbox_message_finish(outbox_id, succeeded=True)
            return result

        task.body = body
        return task

    return decorator


def _run_for(name: str, job_run_id: int | None, parameters: dict) -> JobRun:
    if job_run_id is not None:
        run = JobRun.objects.filter(pk=job_run_id).first()
        if run is not None:
            return run
    return job_runs.job_run_create(name=name, parameters=parameters, user=None)


