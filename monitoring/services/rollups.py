"""Roll-up of raw observations into hourly and daily aggregates, and raw-point retention.

`metric_rollup_run` finds the hours that received observations since its last mark (the
BRIN-indexed `created_at`), rebuilds those hours' `MetricRollup`s from the raw points and
the days that contain them from the hourly roll-ups, then moves its mark. Rebuilding a
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
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
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
        hours = sorted(set(arrived.annotate(hour=_trunc("hour")).values_list("hour", flat=True)
                           .distinct()))
        hourly = 0
        for position, hour in enumerate(hours, start=1):
            hourly += _rebuild_hour(hour)
            if progress is not None and position % 24 == 0:
                progress(int(90 * position / len(hours)), f"{position} of {len(hours)} hours")
        days = sorted({hour.replace(hour=0) for hour in hours})
        daily = sum(_rebuild_day(day) for day in days)
        lock.done_until, lock.last_run_at = now, timezone.now()
        lock.save(update_fields=["done_until", "last_run_at"])
    return {"hours": len(hours), "days": len(days), "hourly_rows": hourly, "daily_rows": daily,
            "done_until": now.isoformat()}


def _trunc(kind: str) -> Trunc:
    return Trunc("observed_at", kind, tzinfo=datetime.UTC)


def _rebuild_hour(hour: datetime.datetime) -> int:
    """Replace the hourly roll-ups of `hour` with aggregates of its raw points."""
    groups = (MetricObservation.objects.filter(observed_at__gte=hour, observed_at__lt=hour + _HOUR)
              .order_by().values(*_SERIES)
              .annotate(n=Count("id"), total=Sum("value"), low=Min("value"), high=Max("value")))
    return _replace(Granularity.HOUR, hour, groups)


def _rebuild_day(day: datetime.datetime) -> int:
    """Replace the daily roll-ups of `day` with aggregates of its hourly roll-ups."""
    groups = (MetricRollup.objects.filter(granularity=Granularity.HOUR, bucket_start__gte=day,
                                          bucket_start__lt=day + _DAY)
              .order_by().values(*_SERIES)
              .annotate(n=Sum("count"), total=Sum("total"), low=Min("minimum"),
                        high=Max("maximum")))
    return _replace(Granularity.DAY, day, groups)


def _replace(granularity: str, start: datetime.datetime, groups) -> int:
    MetricRollup.objects.filter(granularity=granularity, bucket_start=start).delete()
    rows = [MetricRollup(granularity=granularity, bucket_start=start,
                         model_version_id=g["model_version_id"],
                         deployment_id=g["deployment_id"], name=g["name"], kind=g["kind"],
                         count=g["n"], total=g["total"], minimum=g["low"], maximum=g["high"])
            for g in groups]
    MetricRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


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
