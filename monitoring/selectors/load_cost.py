"""Load vs cost: per model and month, the requests served (from the daily usage roll-ups)
next to the cost attributed to the model by the monthly cost report (`cost_allocation`, so
shared costs are split exactly as there), and the cost per 1,000 requests. Where a model's
costs are billed per deployment, the same per region and segment (the deployments' own
costs only: shared and model-wide costs are not placed in a region).

Queries: one for the months, one for the load, one for the deployment costs, one for the
visible models, and the cost report's few per month; never one per model."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, FloatField, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth

from core.permissions import restrict_queryset
from inventory.choices import MetricKind
from inventory.models import MLModel
from monitoring.choices import CostScope, Granularity
from monitoring.models import CostRecord, MetricRollup
from monitoring.selectors.capacity import UNPLACED
from monitoring.selectors.costs import cost_allocation, month_bounds

__all__ = ["LOAD_COST_MONTHS", "LoadCostRow", "load_vs_cost"]

LOAD_COST_MONTHS = 12  # the latest months with cost records shown
ALL_PLACES = ""  # a model's row over all its regions and segments


@dataclass(frozen=True)
class LoadCostRow:
    """One model's month (region and segment empty) or one region/segment of it."""

    month: datetime.date
    model_id: int
    model: str
    region: str
    segment: str
    requests: float
    cost: Decimal
    shared: Decimal

    @property
    def is_model_total(self) -> bool:
        return self.region == ALL_PLACES and self.segment == ALL_PLACES

    @property
    def cost_per_thousand(self) -> Decimal | None:
        """Cost per 1,000 requests, to the cent (None: no requests that month)."""
        if not self.requests:
            return None
        return (self.cost * 1000 / Decimal(str(self.requests))).quantize(Decimal("0.01"))


def _months(model_id: int | None) -> list[datetime.date]:
    records = CostRecord.objects.all()
    if model_id:
        records = records.filter(model_id=model_id) | records.filter(scope=CostScope.SHARED)
    months = records.order_by("-month").values_list("month", flat=True).distinct()
    return sorted(months[:LOAD_COST_MONTHS])


def _load(months: list[datetime.date], model_ids) -> dict[tuple, float]:
    """(month, model id, region, segment) -> requests, from the daily usage roll-ups."""
    start, end = months[0], month_bounds(months[-1])[1]
    rows = (MetricRollup.objects
            .filter(granularity=Granularity.DAY, kind=MetricKind.USAGE,
                    name__in=settings.CUSTODIA_COST_USAGE_METRICS,
                    bucket_start__gte=datetime.datetime.combine(start, datetime.time.min,
                                                                tzinfo=datetime.UTC),
                    bucket_start__lt=datetime.datetime.combine(end, datetime.time.min,
                                                               tzinfo=datetime.UTC),
                    model_version__model__in=model_ids)
            .annotate(month=TruncMonth("bucket_start", tzinfo=datetime.UTC),
                      model=F("model_version__model"),
                      region=Coalesce("deployment__region", Value(UNPLACED)),
                      segment=Coalesce("deployment__segment", Value(UNPLACED)))
            .values("month", "model", "region", "segment")
            .annotate(requests=Cast(Sum("total"), FloatField())).order_by())
    return {(row["month"].date(), row["model"], row["region"] or "—", row["segment"] or "—"):
            row["requests"] for row in rows}


def _deployment_costs(months: list[datetime.date], model_ids) -> dict[tuple, Decimal]:
    """(month, model id, region, segment) -> the deployments' own costs there."""
    rows = (CostRecord.objects
            .filter(scope=CostScope.DEPLOYMENT, month__in=months, model__in=model_ids)
            .values("month", "model", "deployment__region", "deployment__segment")
            .annotate(amount=Sum("amount")).order_by())
    return {(row["month"], row["model"], row["deployment__region"] or "—",
             row["deployment__segment"] or "—"): row["amount"] for row in rows}


def load_vs_cost(*, user, model_id: int | None = None) -> list[LoadCostRow]:
    """Rows of the models the user may see, by month, model, then region and segment."""
    months = _months(model_id)
    if not months:
        return []
    visible = restrict_queryset(MLModel.objects.all(), user, "view")
    if model_id:
        visible = visible.filter(pk=model_id)
    names = dict(visible.values_list("pk", "name"))
    load = _load(months, visible.values("pk"))
    placed_costs = _deployment_costs(months, visible.values("pk"))
    rows: list[LoadCostRow] = []
    for month in months:
        attributed: dict[int, list[Decimal]] = defaultdict(
            lambda: [Decimal("0.00"), Decimal("0.00")])
        for line in cost_allocation(month).lines:
            if line.model_id in names:
                attributed[line.model_id][0] += line.total
                attributed[line.model_id][1] += line.shared
        requests: dict[int, float] = defaultdict(float)
        for (when, model, _region, _segment), value in load.items():
            if when == month:
                requests[model] += value
        for model in sorted(set(attributed) | set(requests), key=lambda pk: names[pk]):
            cost, shared = attributed[model]
            rows.append(LoadCostRow(month, model, names[model], ALL_PLACES, ALL_PLACES,
                                    requests[model], cost, shared))
            rows.extend(_places(month, model, names[model], load, placed_costs))
    return rows


def _places(month, model: int, name: str, load: dict, placed_costs: dict
            ) -> list[LoadCostRow]:
    """The region/segment rows of a model billed per deployment that month."""
    places = sorted({key[2:] for key in placed_costs if key[:2] == (month, model)})
    return [LoadCostRow(month, model, name, region, segment,
                        load.get((month, model, region, segment), 0.0),
                        placed_costs[(month, model, region, segment)], Decimal("0.00"))
            for region, segment in places]
