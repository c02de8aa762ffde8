"""Roll-up of raw observations into hourly and daily aggregates, and raw-point retention.

`metric_rollup_run` finds the hours that received observations since its last mark (the
BRIN-indexed `created_at`), rebuilds those hours' `MetricRollup`s from the raw points and
the days that contain them from the hourly roll-ups (a DELETE and an INSERT … SELECT per
week of buckets, so the aggregation never leaves the database), then moves its mark. Rebuilding a
whole bucket makes a run idempotent (running it twice gives the same roll-ups) and takes
late points into account; a second worker finds the job's lock row taken and skips.
`metric_retention_run` then deletes raw points past their retention, only where the
roll-ups already hold them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Max, Min, Sum, Value
from django.db.models.functions import Trunc
from django.utils import timezone

from inventory.models import MetricObservation
from monitoring.choices import Granularity
from monitoring.models import JobLock, MetricRollup

__all__ = ["job_lock", "metric_retention_run", "metric_rollup_run"]

ROLLUP_LOCK = "metric-rollup"
RETENTION_LOCK = "metric-retention"
_HOUR = datetime.timedelta(hours=1)
_DAY = datetime.timedelta(days=1)
_SERIES = ("model_version_id", "deployment_id", "name", "kind")
# Buckets rebuilt per statement: a week of hours keeps each statement's sort small.
CHUNK_HOURS = 168


def job_lock(name: str) -> JobLock | None:
    """Take the singleton row of job `name` for this transaction, or None if another worker
    holds it (call inside `transaction.atomic`)."""
    JobLock.objects.get_or_create(name=name)
    return JobLock.objects.select_for_update(skip_locked=True).filter(name=name).first()


def metric_rollup_run(*, now: datetime.datetime | None = None,
                      progress: Callable[[int, str], None] | None = None) -> dict[str, Any]:
    """Roll up the observations that arrived since the last run.

    Returns:
        hours and days rebuilt, hourly/daily rows written, the new mark; or `skipped`
        when another worker holds the job.
    """
    now = now or timezone.now()
    overlap = datetime.timedelta(seconds=settings.CUSTODIA_METRIC_ROLLUP_OVERLAP_SECONDS)
    with transaction.atomic():
        lock = job_lock(ROLLUP_LOCK)
        if lock is None:
            return {"skipped": "another worker is rolling up"}
        arrived = MetricObservation.objects.filter(created_at__lte=now)
        if lock.done_until is not None:
            arrived = arrived.filter(created_at__gt=lock.done_until - overlap)
        hours = sorted(set(arrived.annotate(hour=_trunc("observed_at", "hour")).order_by()
                           .values_list("hour", flat=True).distinct()))
        days = sorted({hour.replace(hour=0) for hour in hours})
        hourly = daily = 0
        for done, chunk in enumerate(_chunks(hours, CHUNK_HOURS), start=1):
            hourly += _rebuild(Granularity.HOUR, chunk)
            if progress is not None:
                progress(int(80 * done * CHUNK_HOURS / max(len(hours), 1)),
                         f"{min(done * CHUNK_HOURS, len(hours))} of {len(hours)} hours")
        for chunk in _chunks(days, CHUNK_HOURS // 24):
            daily += _rebuild(Granularity.DAY, chunk)
        lock.done_until, lock.last_run_at = now, timezone.now()
        lock.save(update_fields=["done_until", "last_run_at"])
    return {"hours": len(hours), "days": len(days), "hourly_rows": hourly, "daily_rows": daily,
            "done_until": now.isoformat()}


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _trunc(field: str, kind: str) -> Trunc:
    return Trunc(field, kind, tzinfo=datetime.UTC)


def _rebuild(granularity: str, buckets: list[datetime.datetime]) -> int:
    """Replace the roll-ups of `buckets` (hours from the raw points, days from the hourly
    roll-ups) with one DELETE and one INSERT … SELECT: the aggregation stays in the
    database, whatever the number of points."""
    if granularity == Granularity.HOUR:
        source = MetricObservation.objects.filter(
            observed_at__gte=buckets[0], observed_at__lt=buckets[-1] + _HOUR)
        bucket = _trunc("observed_at", "hour")
        totals = {"n": Count("id"), "total": Sum("value"), "low": Min("value"),
                  "high": Max("value")}
    else:
        source = MetricRollup.objects.filter(
            granularity=Granularity.HOUR, bucket_start__gte=buckets[0],
            bucket_start__lt=buckets[-1] + _DAY)
        bucket = _trunc("bucket_start", "day")
        totals = {"n": Sum("count"), "total": Sum("total"), "low": Min("minimum"),
                  "high": Max("maximum")}
    groups = (source.annotate(level=Value(granularity, output_field=CharField()),
                              bucket=bucket)
              .filter(bucket__in=buckets).order_by()
              .values("level", "bucket", *_SERIES).annotate(**totals))
    MetricRollup.objects.filter(granularity=granularity, bucket_start__in=buckets).delete()
    select, params = groups.query.sql_with_params()
    columns = ("granularity", "bucket_start", *_SERIES, "count", "total", "minimum", "maximum")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {MetricRollup._meta.db_table} ({', '.join(columns)}) "
                       f"{select}", params)
        return cursor.rowcount


def metric_retention_run(*, now: datetime.datetime | None = None,
                         chunk_size: int = 50_000) -> dict[str, Any]:
    """Delete raw observations past `CUSTODIA_METRIC_RAW_RETENTION_DAYS` that the roll-ups
    already hold, and hourly roll-ups past `CUSTODIA_METRIC_HOURLY_RETENTION_DAYS`; daily
    roll-ups are kept. Deletes in chunks so no transaction grows with the backlog."""
    now = now or timezone.now()
    with transaction.atomic():
        lock = job_lock(RETENTION_LOCK)
        if lock is None:
            return {"skipped": "another worker is pruning"}
        rolled_up_until = JobLock.objects.filter(name=ROLLUP_LOCK).values_list(
            "done_until", flat=True).first()
    if rolled_up_until is None:
        return {"raw_deleted": 0, "hourly_deleted": 0, "note": "nothing rolled up yet"}
    raw_cut = min(now - datetime.timedelta(days=settings.CUSTODIA_METRIC_RAW_RETENTION_DAYS),
                  rolled_up_until - _DAY)
    raw_deleted = _delete_in_chunks(MetricObservation.objects.filter(observed_at__lt=raw_cut),
                                    chunk_size)
    hourly_cut = now - datetime.timedelta(days=settings.CUSTODIA_METRIC_HOURLY_RETENTION_DAYS)
    hourly_deleted = _delete_in_chunks(MetricRollup.objects.filter(
        granularity=Granularity.HOUR, bucket_start__lt=hourly_cut), chunk_size)
    return {"raw_deleted": raw_deleted, "hourly_deleted": hourly_deleted,
            "raw_cut": raw_cut.isoformat(), "hourly_cut": hourly_cut.isoformat()}


def _delete_in_chunks(queryset, chunk_size: int) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by().values_list("pk", flat=True)[:chunk_size])
            if not ids:
                return deleted
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]
