"""Capacity planning reads: latency, resource and usage trends per model, region and
segment, from the daily roll-ups (never the raw points), with a linear projection."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import FloatField, Max, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from core.permissions import restrict_queryset
from inventory.choices import MetricKind
from inventory.models import MLModel
from monitoring.choices import Granularity
from monitoring.models import MetricRollup

__all__ = ["CAPACITY_KINDS", "CapacitySeries", "capacity_choices", "capacity_series",
           "linear_trend"]

CAPACITY_KINDS = (MetricKind.LATENCY, MetricKind.RESOURCES, MetricKind.USAGE)
UNPLACED = "(not at a deployment)"


@dataclass
class CapacitySeries:
    """One metric of one model at one region/segment, day by day, and where it is heading."""

    model: str
    metric: str
    kind: str
    region: str
    segment: str
    days: list[datetime.date] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.model} · {self.region} · {self.segment}"

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def slope_per_day(self) -> float | None:
        trend = linear_trend(self.days, self.values)
        return trend[0] if trend else None

    def projected(self, days_ahead: int) -> float | None:
        """The trend's value `days_ahead` days after the last day (None: too few points)."""
        trend = linear_trend(self.days, self.values)
        if trend is None:
            return None
        slope, intercept = trend
        x = (self.days[-1] - self.days[0]).days + days_ahead
        return max(0.0, intercept + slope * x)

    def change(self, days_ahead: int) -> float | None:
        """Projected change from the latest value, as a fraction (0.25 = a quarter more)."""
        projected, latest = self.projected(days_ahead), self.latest
        if projected is None or not latest:
            return None
        return projected / latest - 1


def linear_trend(days: list[datetime.date], values: list[float]
                 ) -> tuple[float, float] | None:
    """Least-squares line (slope per day, value at the first day); None below 3 points."""
    if len(values) < 3:
        return None
    xs = [(day - days[0]).days for day in days]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(values) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True)) / spread
    return slope, mean_y - slope * mean_x


def capacity_series(*, user, days: int = 30, model_id: int | None = None, region: str = "",
                    segment: str = "", kind: str = "") -> list[CapacitySeries]:
    """Daily series of the capacity metrics the user may see, one per model, metric,
    region and segment. Usage is summed per day (volume); latency and resources are the
    daily mean, with the daily peak alongside. One query over the daily roll-ups."""
    since = timezone.now() - datetime.timedelta(days=days)
    visible = restrict_queryset(MLModel.objects.all(), user, "view")
    rollups = MetricRollup.objects.filter(
        granularity=Granularity.DAY, bucket_start__gte=since,
        kind__in=[kind] if kind else CAPACITY_KINDS,
        model_version__model__in=visible.values("pk"))
    if model_id:
        rollups = rollups.filter(model_version__model_id=model_id)
    if region:
        rollups = rollups.filter(deployment__region=region)
    if segment:
        rollups = rollups.filter(deployment__segment=segment)
    rows = (rollups.order_by()
            .values("model_version__model__name", "name", "kind", "bucket_start")
            .annotate(region=Coalesce("deployment__region", Value(UNPLACED)),
                      segment=Coalesce("deployment__segment", Value(UNPLACED)))
            .values("model_version__model__name", "name", "kind", "bucket_start", "region",
                    "segment")
            .annotate(total=Cast(Sum("total"), FloatField()), count=Sum("count"),
                      peak=Max("maximum"))
            .order_by("model_version__model__name", "name", "region", "segment",
                      "bucket_start"))
    series: dict[tuple, CapacitySeries] = {}
    for row in rows:
        key = (row["model_version__model__name"], row["name"], row["kind"],
               row["region"] or "—", row["segment"] or "—")
        entry = series.get(key)
        if entry is None:
            entry = series[key] = CapacitySeries(*key)
        value = row["total"] if row["kind"] == MetricKind.USAGE else row["total"] / row["count"]
        entry.days.append(row["bucket_start"].date())
        entry.values.append(value)
        entry.peaks.append(row["peak"])
    return list(series.values())


def capacity_choices(user) -> dict[str, list]:
    """The models, regions and segments that have capacity data, for the filter form."""
    visible = restrict_queryset(MLModel.objects.all(), user, "view")
    base = MetricRollup.objects.filter(granularity=Granularity.DAY, kind__in=CAPACITY_KINDS,
                                       model_version__model__in=visible.values("pk"))
    models = (MLModel.objects.filter(pk__in=base.values("model_version__model"))
              .order_by("name").values_list("pk", "name"))
    places = defaultdict(set)
    for region, segment in (base.exclude(deployment=None).order_by()
                            .values_list("deployment__region", "deployment__segment").distinct()):
        places["region"].add(region)
        places["segment"].add(segment)
    return {"models": list(models), "regions": sorted(r for r in places["region"] if r),
            "segments": sorted(s for s in places["segment"] if s)}
