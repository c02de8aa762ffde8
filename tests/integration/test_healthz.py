"""`/healthz`: 200 when database, cache, broker and a worker answer; 503 naming what failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.choices import JobStatus
from core.models import WorkerHeartbeat
from core.services.job_runs import job_run_submit
from tests.integration.conftest import free_port, wait_for, worker

# Only tests with a worker thread need committed data (transaction=True); the rest roll back.
pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _health(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def _failing(body: dict) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


@pytest.mark.django_db(transaction=True)
def test_healthy_after_a_real_worker_ran_the_health_job(client, filesystem_broker: str) -> None:
    status, body = _health(client)
    assert (status, _failing(body)) == (503, {"workers"}), "no worker has reported yet"

    with worker():
        run = job_run_submit(name="core.health")
        wait_for(lambda: run.__class__.objects.get(pk=run.pk).status == JobStatus.SUCCEEDED,
                 what="the health job")
        status, body = _health(client)
        finished_worker = WorkerHeartbeat.objects.get().hostname

    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "workers"}
    assert _failing(body) == set()
    assert body["checks"]["workers"]["alive"] == [finished_worker]
    assert body["checks"]["workers"]["missing"] == []


def test_unreachable_broker_is_named(client, settings) -> None:
    WorkerHeartbeat.objects.create(hostname="worker@test", last_seen=timezone.now())
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    status, body = _health(client)

    assert status == 503
    assert body["status"] == "unavailable"
    assert _failing(body) == {"broker"}
    assert "Connection" in body["checks"]["broker"]["error"]


def test_stale_heartbeat_means_no_worker(client) -> None:
    too_old = timedelta(seconds=settings.CUSTODIA_WORKER_HEARTBEAT_MAX_AGE + 5)
    WorkerHeartbeat.objects.create(hostname="worker@gone", last_seen=timezone.now() - too_old)

    status, body = _health(client)

    assert status == 503
    assert _failing(body) == {"workers"}
    assert body["checks"]["workers"]["missing"] == ["worker@gone"]
    assert "worker@gone" in body["checks"]["workers"]["error"]


def test_each_expected_worker_is_reported_and_one_missing_fails_the_check(client) -> None:
    too_old = timedelta(seconds=settings.CUSTODIA_WORKER_HEARTBEAT_MAX_AGE + 5)
    WorkerHeartbeat.objects.create(hostname="celery@web1", last_seen=timezone.now())
    WorkerHeartbeat.objects.create(hostname="celery@web2", last_seen=timezone.now() - too_old)

    status, body = _health(client)

    workers = body["checks"]["workers"]
    assert status == 503
    assert (workers["alive"], workers["missing"]) == (["celery@web1"], ["celery@web2"])


def test_named_expected_workers_are_checked_even_before_their_first_heartbeat(client, settings) -> None:
    settings.CUSTODIA_EXPECTED_WORKERS = ["celery@web1", "celery@web3"]
    WorkerHeartbeat.objects.create(hostname="celery@web1", last_seen=timezone.now())
    WorkerHeartbeat.objects.create(hostname="celery@other", last_seen=timezone.now())

    status, body = _health(client)

    assert status == 503
    assert body["checks"]["workers"]["missing"] == ["celery@web3"]
    settings.CUSTODIA_EXPECTED_WORKERS = ["celery@web1"]
    assert _health(client)[0] == 200


def test_a_worker_forgotten_after_a_day_is_no_longer_expected(client, settings) -> None:
    settings.CUSTODIA_WORKER_FORGET_SECONDS = 3600
    WorkerHeartbeat.objects.create(hostname="celery@web1", last_seen=timezone.now())
    WorkerHeartbeat.objects.create(hostname="celery@crashed",
                                   last_seen=timezone.now() - timedelta(hours=2))

    assert _health(client)[0] == 200


def test_a_worker_stopping_on_purpose_is_no_longer_expected(client) -> None:
    from core.tasks import _on_worker_shutdown

    WorkerHeartbeat.objects.create(hostname="celery@web1", last_seen=timezone.now())
    WorkerHeartbeat.objects.create(hostname="celery@web2", last_seen=timezone.now())

    _on_worker_shutdown(sender=type("Worker", (), {"hostname": "celery@web2"})())

    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["celery@web1"]


def test_healthz_is_not_redirected_to_https(client, settings) -> None:
    """Load balancers probe over plain HTTP inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    WorkerHeartbeat.objects.create(hostname="worker@test", last_seen=timezone.now())
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
