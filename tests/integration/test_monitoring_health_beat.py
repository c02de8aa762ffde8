"""A deployed model that stops reporting shows up as stale after its interval, found by the
scheduled health check that Celery beat sends to a real worker; the finding closes itself
when reports come back.

Nothing is mocked: beat reads its schedule from the database (django-celery-beat, as
`manage.py sync_schedules` wrote it, then made to fire every second as an administrator
could), the worker consumes Redis. Time is controlled with time-machine: the whole process
(beat, worker and test) jumps past the model's expected interval instead of waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from celery import beat
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app as celery_app
from core.choices import JobStatus
from core.models import JobRun
from inventory.choices import ModelStage
from monitoring.choices import HealthFindingStatus, HealthProblem
from monitoring.models import HealthFinding
from monitoring.tasks import HEALTH_JOB
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.fleet import MonitoringRequirementFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory
from tests.integration.conftest import wait_for, worker
from tests.services import has_postgresql, require

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCHEDULE = "Monitoring health check"


@contextmanager
def beat_service() -> Iterator[beat.Service]:
    """Celery beat with the database scheduler, in a thread of this process."""
    service = beat.Service(app=celery_app, max_interval=0.5, remote_control=False,
                           scheduler_cls="django_celery_beat.schedulers:DatabaseScheduler")

    def run() -> None:
        try:
            service.start()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="beat", daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.stop()
        thread.join(timeout=20)


def _every_second_only_the_health_check() -> None:
    call_command("sync_schedules", verbosity=0)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1,
                                                             period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.exclude(name=SCHEDULE).update(enabled=False)
    PeriodicTask.objects.filter(name=SCHEDULE).update(interval=every_second)


def _finished_runs() -> int:
    return JobRun.objects.filter(name=HEALTH_JOB, status=JobStatus.SUCCEEDED).count()


def _open_stale(deployment) -> HealthFinding | None:
    return HealthFinding.objects.filter(deployment=deployment, problem=HealthProblem.STALE,
                                        status=HealthFindingStatus.OPEN).first()


def test_a_model_that_stops_reporting_is_stale_after_its_interval(redis_broker: str) -> None:
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    deployment = DeploymentFactory(model_version=version)
    MonitoringRequirementFactory(model=version.model, expected_interval_minutes=60,
                                 required_metrics=[])
    MetricObservationFactory(model_version=version, deployment=deployment,
                             observed_at=timezone.now())
    _every_second_only_the_health_check()

    with worker(), beat_service():
        # Within its interval: the scheduled checks run and find nothing wrong.
        wait_for(lambda: _finished_runs() >= 2, timeout=60, what="two scheduled checks")
        assert not HealthFinding.objects.exists()

        # 61 minutes later, with no new report, the next scheduled check finds it stale.
        with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=True):
            finding = wait_for(lambda: _open_stale(deployment), timeout=60,
                               what="a stale finding from a scheduled check")
            assert "expected at least every 1 hour(s)" in finding.detail
            assert finding.job_run.name == HEALTH_JOB

            # Reports come back: a later scheduled check closes the finding by itself.
            MetricObservationFactory(model_version=version, deployment=deployment,
                                     observed_at=timezone.now())
            wait_for(lambda: not _open_stale(deployment), timeout=60,
                     what="the finding to close")

    finding.refresh_from_db()
    assert finding.status == HealthFindingStatus.RESOLVED and finding.resolved_at is not None
    assert HealthFinding.objects.count() == 1  # every run after the first kept the same one


def test_a_second_pass_stands_down_while_one_runs(settings) -> None:
    """Two workers starting the check at once: the one without the advisory lock writes
    nothing (PostgreSQL; SQLite serialises writers anyway)."""
    import psycopg

    from monitoring.services import health

    require("postgresql", has_postgresql())
    DeploymentFactory(model_version=ModelVersionFactory(stage=ModelStage.PRODUCTION))
    db = settings.DATABASES["default"]
    other = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                            user=db["USER"], password=db["PASSWORD"] or None, dbname=db["NAME"],
                            autocommit=False)
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [health._LOCK_KEY])
        assert health.health_check() == {"skipped": "another health check is running"}
        assert not HealthFinding.objects.exists()
    finally:
        other.rollback()
        other.close()
    assert health.health_check()["opened"] == 1
