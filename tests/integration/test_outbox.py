"""The outbox when Redis is down, frozen or loses its queue: the write returns at once, the work
waits, then runs exactly once.

Uses a private redis-server that the tests stop, suspend and restart; the machine's Redis is
never touched.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.signals import task_postrun

from config.celery import app as celery_app
from core.choices import JobStatus, OutboxStatus
from core.models import JobRun, OutboxMessage
from core.services.job_runs import job_run_submit
from core.services.jobs import outbox_sweep
from tests.integration.conftest import (
    PrivateRedis,
    celery_broker,
    redis_transport_options,
    wait_for,
    worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_broker(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    with celery_broker(private_redis.url, redis_transport_options()):
        yield private_redis


@pytest.fixture
def task_results() -> Iterator[list[tuple[str, object]]]:
    """(task name, return value) of every task the in-thread worker completes."""
    results: list[tuple[str, object]] = []

    def record(sender=None, retval=None, **kwargs) -> None:
        results.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield results
    task_postrun.disconnect(record)


def _status(run: JobRun) -> str:
    run.refresh_from_db()
    return run.status


def test_write_during_broker_outage_is_fast_and_work_runs_once_later(
    private_broker: PrivateRedis, task_results: list
) -> None:
    # The broker works: a first run goes through, so the web process holds a pooled
    # connection when Redis disappears (the realistic case).
    with worker():
        before = job_run_submit(name="core.health")
        wait_for(lambda: _status(before) == JobStatus.SUCCEEDED, what="the first run")

    private_broker.stop()
    started = time.monotonic()
    run = job_run_submit(name="core.health")
    elapsed = time.monotonic() - started

    assert elapsed < 2, f"a write blocked {elapsed:.1f} s on the unreachable broker"
    message = OutboxMessage.objects.get(kwargs__job_run_id=run.pk)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1 and message.last_error
    assert _status(run) == JobStatus.QUEUED
    started = time.monotonic()
    assert outbox_sweep() == 0, "the sweep cannot hand anything over while Redis is down"
    assert time.monotonic() - started < 2

    private_broker.start()
    assert outbox_sweep() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    with worker():
        wait_for(lambda: _status(run) == JobStatus.SUCCEEDED, what="the delayed run")
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DONE,
                 what="the outbox message to be marked done")
        run.refresh_from_db()
        first_finish, first_log = run.finished_at, run.log

        # A second sweep finds nothing; a duplicate delivery of the same message (as after
        # a lost acknowledgement) reaches the worker and is skipped.
        assert outbox_sweep() == 0
        celery_app.send_task(message.task_name, args=message.args,
                             kwargs={**message.kwargs, "outbox_id": message.pk})
        wait_for(lambda: len(task_results) == 3, what="the duplicate delivery to be processed")

    assert task_results[-1] == ("core.health", {"skipped": "this work already ran"})
    assert [name for name, _ in task_results] == ["core.health"] * 3
    run.refresh_from_db()
    assert (run.status, run.finished_at, run.log) == (JobStatus.SUCCEEDED, first_finish, first_log)
    assert JobRun.objects.count() == 2, "the duplicate must not create a run of its own"
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DONE


def test_rolled_back_write_sends_nothing(private_broker: PrivateRedis, task_results: list) -> None:
    """Work enqueued in a transaction that fails is never handed to the broker."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        job_run_submit(name="core.health")
        raise RuntimeError("the request failed after enqueueing")

    assert not OutboxMessage.objects.exists() and not JobRun.objects.exists()
    with worker():
        time.sleep(1)
    assert task_results == []


def test_work_the_broker_lost_is_handed_over_again(
    private_broker: PrivateRedis, task_results: list, settings
) -> None:
    """Redis restarted without persistence loses its queue; the sweep re-sends what never started."""
    run = job_run_submit(name="core.health")
    message = OutboxMessage.objects.get(kwargs__job_run_id=run.pk)
    assert message.status == OutboxStatus.SENT

    private_broker.stop()
    private_broker.start()  # empty: the message is gone
    assert outbox_sweep() == 0, "recently sent work is not presumed lost yet"

    settings.CUSTODIA_OUTBOX_RESEND_SECONDS = 0
    assert outbox_sweep() == 1
    with worker():
        wait_for(lambda: _status(run) == JobStatus.SUCCEEDED, what="the re-sent run")
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DONE,
                 what="the outbox message to be marked done")
    assert outbox_sweep() == 0, "completed work is never re-sent"
    assert len(task_results) == 1
    message.refresh_from_db()
    assert message.attempts == 2


def test_frozen_broker_holds_a_write_only_for_the_socket_timeout(
    private_broker: PrivateRedis, task_results: list, settings
) -> None:
    """A Redis that accepts connections but never answers (stopped process, swapping host)."""
    with worker():
        before = job_run_submit(name="core.health")
        wait_for(lambda: _status(before) == JobStatus.SUCCEEDED, what="the first run")

    bound = settings.CUSTODIA_REDIS_TRANSPORT_OPTIONS["socket_timeout"] + 1
    private_broker.freeze(at_most=bound + 10)
    try:
        started = time.monotonic()
        run = job_run_submit(name="core.health")
        elapsed = time.monotonic() - started
    finally:
        private_broker.thaw()

    assert elapsed < bound, f"a write waited {elapsed:.1f} s on a frozen broker"
    message = OutboxMessage.objects.get(kwargs__job_run_id=run.pk)
    assert message.status == OutboxStatus.PENDING and "Timeout" in message.last_error
    # The frozen server may still execute the command it had buffered: then the sweep's
    # hand-over is a second delivery, and the claim makes it a no-op.
    assert outbox_sweep() == 1
    with worker():
        wait_for(lambda: _status(run) == JobStatus.SUCCEEDED, what="the delayed run")
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.DONE,
                 what="the outbox message to be marked done")
    ran = [result for _, result in task_results if result != {"skipped": "this work already ran"}]
    assert len(ran) == 2, ran
    assert JobRun.objects.count() == 2
