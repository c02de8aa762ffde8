"""Job runs: the row each background run writes, with progress and log, shown in the UI."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import describe_actor
from core.choices import JobStatus
from core.models import JobRun
from core.signals import job_run_finished

__all__ = [
    "job_run_create",
    "job_run_finish",
    "job_run_log",
    "job_run_progress",
    "job_run_start",
    "job_run_submit",
]


def job_run_create(*, name: str, parameters: dict[str, Any] | None = None, user=None) -> JobRun:
    """A queued run, created before the work starts so the UI can follow it."""
    return JobRun.objects.create(name=name, parameters=parameters or {}, user=user,
                                 actor=describe_actor(user))


def job_run_submit(*, name: str, parameters: dict[str, Any] | None = None, user=None) -> JobRun:
    """Create a queued run of task `name` and hand it to a worker after commit.

    The task receives the run's id as `job_run_id`; parameters become keyword arguments.
    """
    from core.services.jobs import task_enqueue

    with transaction.atomic():
        run = job_run_create(name=name, parameters=parameters, user=user)
        task_enqueue(name, job_run_id=run.pk, **(parameters or {}))
    return run


def job_run_start(*, run: JobRun, task_id: str = "") -> JobRun:
    run.status = JobStatus.RUNNING
    run.started_at = timezone.now()
    run.task_id = task_id
    run.save(update_fields=["status", "started_at", "task_id"])
    return run


def job_run_progress(*, run: JobRun, percent: int, message: str = "") -> None:
    """Set progress (0-100) and optionally log a line; visible at once to pollers."""
    run.progress = max(0, min(100, int(percent)))
    fields = ["progress"]
    if message:
        run.log = _append(run.log, message)
        fields.append("log")
    run.save(update_fields=fields)


def job_run_log(*, run: JobRun, message: str) -> None:
    run.log = _append(run.log, message)
    run.save(update_fields=["log"])


def job_run_finish(*, run: JobRun, succeeded: bool, result: dict | None = None,
                   error: str = "") -> JobRun:
    run.status = JobStatus.SUCCEEDED if succeeded else JobStatus.FAILED
    run.finished_at = timezone.now()
    if succeeded:
        run.progress = 100
    if error:
        run.log = _append(run.log, f"ERROR: {error}")
    run.result = result or {}
    run.save(update_fields=["status", "finished_at", "progress", "log", "result"])
    job_run_finished.send(sender=JobRun, job_run=run)
    return run


def _append(log: str, message: str) -> str:
    stamp = timezone.now().strftime("%H:%M:%S")
    return f"{log}{stamp} {message}\n"
