"""Metric reads served from the roll-ups: a version's (or model's) series over time."""

from __future__ import annotations

import datetime

from django.db.models import FloatField, Max, Min, Sum
from django.db.models.functions import Cast

__all__ = ["metric_series"]


def metric_series(*, rollups, granularity: str, start: datetime.datetime,
                  end: datetime.datetime) -> list[dict]:
    """Per bucket and metric: mean, low (minimum), high (maximum) and n (count) of the roll-ups in `rollups`
    (already restricted to what the reader may see) between `start` and `end`."""
    return list(rollups.filter(granularity=granularity, bucket_start__gte=start,
                               bucket_start__lt=end)
                .order_by().values("bucket_start", "name")
                .annotate(mean=Cast(Sum("total"), FloatField()) / Cast(Sum("count"), FloatField()),
                          low=Min("minimum"), high=Max("maximum"), n=Sum("count"))
                .order_by("name", "bucket_start"))
