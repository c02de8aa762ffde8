"""Roll-ups: raw points folded into hourly and daily aggregates by an idempotent job that
takes late points into account, is skipped by a second worker, and lets retention delete
raw points the roll-ups already hold."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from inventory.models import MetricObservation
from monitoring.choices import Granularity
from monitoring.models import JobLock, MetricRollup
from monitoring.services.rollups import ROLLUP_LOCK, metric_retention_run, metric_rollup_run
from tests.factories.lifecycle import MetricObservationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 30, tzinfo=datetime.UTC)


def observe(version, value, at, *, name="auc", deployment=None, created=None):
    row = MetricObservationFactory(model_version=version, name=name, value=value,
                                   observed_at=at, deployment=deployment)
    if created is not None:  # `created_at` is set on insert; move it to the test's clock
        MetricObservation.objects.filter(pk=row.pk).update(created_at=created)
    return row


def hourly(version, name="auc"):
    return {r.bucket_start: (r.count, r.total, r.minimum, r.maximum) for r in
            MetricRollup.objects.filter(model_version=version, name=name,
                                        granularity=Granularity.HOUR)}


def test_hours_and_days_hold_count_sum_min_and_max(credit):
    version = credit["version"]
    nine = NOW.replace(hour=9, minute=0)
    for minute, value in ((5, 0.8), (25, 0.7), (55, 0.9)):
        observe(version, value, nine + datetime.timedelta(minutes=minute), created=NOW)
    observe(version, 0.6, nine + datetime.timedelta(hours=1, minutes=1), created=NOW)
    report = metric_rollup_run(now=NOW)
    assert (report["hours"], report["days"]) == (2, 1)
    assert hourly(version)[nine] == (3, pytest.approx(2.4), 0.7, 0.9)
    day = MetricRollup.objects.get(granularity=Granularity.DAY, model_version=version)
    assert (day.bucket_start, day.count, day.minimum, day.maximum) == (
        NOW.replace(hour=0, minute=0), 4, 0.6, 0.9)
    assert day.mean == pytest.approx(0.75)


def test_each_deployment_has_its_own_series(credit):
    version, deployment = credit["version"], credit["deployment"]
    observe(version, 0.8, NOW - datetime.timedelta(hours=1), deployment=deployment, created=NOW)
    observe(version, 0.6, NOW - datetime.timedelta(hours=1), created=NOW)
    metric_rollup_run(now=NOW)
    by_place = dict(MetricRollup.objects.filter(granularity=Granularity.HOUR)
                    .values_list("deployment", "total"))
    assert by_place == {deployment.pk: 0.8, None: 0.6}


def test_running_twice_gives_the_same_rollups(credit):
    observe(credit["version"], 0.8, NOW - datetime.timedelta(hours=3), created=NOW)
    metric_rollup_run(now=NOW)
    first = hourly(credit["version"])
    # The mark is reset, as after a crash before it was saved: the same rows are rebuilt.
    JobLock.objects.filter(name=ROLLUP_LOCK).update(done_until=None)
    metric_rollup_run(now=NOW)
    assert hourly(credit["version"]) == first
    assert MetricRollup.objects.count() == 2  # one hour, one day


def test_a_late_point_rebuilds_its_hour_and_day(credit):
    version = credit["version"]
    eight = NOW.replace(hour=8, minute=0)
    observe(version, 0.8, eight + datetime.timedelta(minutes=10), created=NOW)
    metric_rollup_run(now=NOW)
    later = NOW + datetime.timedelta(hours=1)
    observe(version, 0.4, eight + datetime.timedelta(minutes=20), created=later)
    report = metric_rollup_run(now=later)
    assert report["hours"] == 1
    assert hourly(version)[eight] == (2, pytest.approx(1.2), 0.4, 0.8)
    assert MetricRollup.objects.get(granularity=Granularity.DAY).count == 2


def test_a_run_reads_only_what_arrived_since_its_mark(credit, settings):
    settings.CUSTODIA_METRIC_ROLLUP_OVERLAP_SECONDS = 60
    observe(credit["version"], 0.8, NOW - datetime.timedelta(days=2),
            created=NOW - datetime.timedelta(days=2))
    metric_rollup_run(now=NOW - datetime.timedelta(days=1))
    observe(credit["version"], 0.7, NOW - datetime.timedelta(hours=1), created=NOW)
    assert metric_rollup_run(now=NOW)["hours"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_while_the_first_holds_the_job(credit):
    """Two workers at once: the one that finds the lock row taken skips (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL's row locks")
    observe(credit["version"], 0.8, NOW - datetime.timedelta(hours=1), created=NOW)
    JobLock.objects.get_or_create(name=ROLLUP_LOCK)
    held, release = threading.Event(), threading.Event()

    def first_worker():
        with transaction.atomic():
            JobLock.objects.select_for_update().get(name=ROLLUP_LOCK)
            held.set()
            release.wait(10)
        connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    held.wait(10)
    try:
        assert metric_rollup_run(now=NOW) == {"skipped": "another worker is rolling up"}
    finally:
        release.set()
        worker.join()
    assert metric_rollup_run(now=NOW)["hours"] == 1


def test_retention_deletes_old_raw_points_the_rollups_hold(credit, settings):
    settings.CUSTODIA_METRIC_RAW_RETENTION_DAYS = 30
    settings.CUSTODIA_METRIC_HOURLY_RETENTION_DAYS = 60
    old = NOW - datetime.timedelta(days=45)
    observe(credit["version"], 0.8, old, created=old)
    observe(credit["version"], 0.7, NOW - datetime.timedelta(days=1), created=NOW)
    assert metric_retention_run(now=NOW)["raw_deleted"] == 0  # nothing rolled up yet
    metric_rollup_run(now=NOW)
    report = metric_retention_run(now=NOW, chunk_size=1)
    assert report["raw_deleted"] == 1
    assert MetricObservation.objects.count() == 1
    # The roll-ups of the deleted point stay: the daily series is whole.
    assert MetricRollup.objects.filter(granularity=Granularity.DAY).count() == 2
    report = metric_retention_run(now=NOW + datetime.timedelta(days=20))
    assert report["hourly_deleted"] == 1
    assert MetricRollup.objects.filter(granularity=Granularity.DAY).count() == 2


def test_the_rollup_api_serves_what_the_reader_may_see(credit, api_client_for, refused_user):
    observe(credit["version"], 0.8, NOW - datetime.timedelta(hours=1),
            deployment=credit["deployment"], created=NOW)
    metric_rollup_run(now=NOW)
    url = reverse("monitoring-api:metricrollup-list")
    response = api_client_for(credit["outsider"]).get(
        url, {"model": credit["model"].pk, "granularity": "day", "region": "eu-west-1"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["model_name"], row["mean"], row["region"], row["segment"]) == (
        "credit-default-xgb", 0.8, "eu-west-1", "retail")
    assert api_client_for(refused_user).get(url).status_code == 403
