"""A real Celery worker runs work submitted through the outbox, on the embedded broker and on Redis."""

from __future__ import annotations

import pytest

from core.choices import JobStatus, OutboxStatus
from core.models import JobRun, OutboxMessage, WorkerHeartbeat
from core.services.job_runs import job_run_submit
from tests.integration.conftest import wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def test_submitted_health_job_runs_on_a_real_worker(any_broker: str) -> None:
    assert not WorkerHeartbeat.objects.exists()

    with worker():
        run = job_run_submit(name="core.health")
        finished = wait_for(lambda: _finished(run.pk), what="the health job to finish")
        heartbeat = WorkerHeartbeat.objects.get()

    assert finished.status == JobStatus.SUCCEEDED, finished.log
    assert finished.progress == 100
    assert finished.task_id
    assert finished.started_at is not None and finished.finished_at >= finished.started_at
    assert finished.result == {"workers": [heartbeat.hostname]}
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.DONE
    assert message.kwargs == {"job_run_id": run.pk}


def test_failing_job_is_recorded_as_failed(any_broker: str) -> None:
    """A job that raises ends `failed` with the error in its log; its outbox message too."""
    with worker():
        run = job_run_submit(name="core.prune_job_runs", parameters={"keep_days": "soon"})
        finished = wait_for(lambda: _finished(run.pk), what="the prune job to fail")

    assert finished.status == JobStatus.FAILED
    assert "ERROR:" in finished.log
    assert OutboxMessage.objects.get().status == OutboxStatus.FAILED
