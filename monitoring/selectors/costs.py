"""Cost allocation: a month's cost records attributed to business units, teams, models and
projects, with shared infrastructure split between models by their usage.

- A model's cost, and a deployment's, goes to the model's team and that team's business
  unit (a model without a team: the business unit "Unassigned").
- A shared cost is split between the models in proportion to the usage they reported that
  month: the sum of observations of kind "usage" named in `CUSTODIA_COST_USAGE_METRICS`
  (request volume). With no usage reported at all, it stays "Unallocated".
- Every split is made in whole cents by the largest-remainder method on exact fractions,
  so the parts of each record add up to the record, and a month's report adds up to
  exactly what was recorded for it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Sum

from inventory.choices import MetricKind
from inventory.models import MetricObservation, MLModel
from monitoring.choices import CostCategory, CostScope
from monitoring.models import CostRecord

__all__ = ["UNALLOCATED", "UNASSIGNED", "AllocationLine", "BusinessUnitTotal",
           "CostAllocation", "cost_allocation", "largest_remainder_split", "month_bounds"]

UNASSIGNED = "Unassigned"  # a model without a team
UNALLOCATED = "Unallocated"  # shared cost in a month without any usage reported
CENT = Decimal("0.01")


def largest_remainder_split(amount: Decimal, weights: dict[int, Fraction | float | int]
                            ) -> dict[int, Decimal]:
    """Split `amount` (whole cents) in proportion to `weights` (all > 0), in whole cents
    that add up to `amount` exactly.

    Each key gets the floor of its exact share; the cents left over go one each to the
    largest remainders (ties: the smaller key first, so the result is reproducible).
    """
    cents = int((amount / CENT).to_integral_exact())
    exact = {key: Fraction(weight) for key, weight in weights.items()}
    total = sum(exact.values())
    shares = {key: Fraction(cents) * weight / total for key, weight in exact.items()}
    floors = {key: share.numerator // share.denominator for key, share in shares.items()}
    left = cents - sum(floors.values())
    for key in sorted(shares, key=lambda k: (-(shares[k] - floors[k]), k))[:left]:
        floors[key] += 1
    return {key: Decimal(value) * CENT for key, value in floors.items()}


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


@dataclass(frozen=True)
class AllocationLine:
    business_unit: str
    team: str
    model_id: int | None
    model_name: str
    project: str
    category: str
    direct: Decimal
    shared: Decimal

    @property
    def total(self) -> Decimal:
        return self.direct + self.shared

    @property
    def category_label(self) -> str:
        return CostCategory(self.category).label if self.category in CostCategory.values \
            else self.category


@dataclass
class BusinessUnitTotal:
    business_unit: str
    direct: Decimal = Decimal("0.00")
    shared: Decimal = Decimal("0.00")
    lines: list[AllocationLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.direct + self.shared


@dataclass
class CostAllocation:
    month: date
    currency: str
    recorded_total: Decimal
    shared_total: Decimal
    usage_by_model: dict[int, float]
    business_units: list[BusinessUnitTotal]

    @property
    def allocated_total(self) -> Decimal:
        return sum((bu.total for bu in self.business_units), Decimal("0.00"))

    @property
    def lines(self) -> list[AllocationLine]:
        return [line for bu in self.business_units for line in bu.lines]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _usage(start: date, end: date) -> dict[int, float]:
    """Model id -> request volume reported in [start, end) (one query)."""
    rows = (MetricObservation.objects
            .filter(kind=MetricKind.USAGE, name__in=settings.CUSTODIA_COST_USAGE_METRICS,
                    observed_at__gte=_midnight(start), observed_at__lt=_midnight(end))
            .values("model_version__model").annotate(total=Sum("value")).order_by())
    return {row["model_version__model"]: row["total"] for row in rows if row["total"] > 0}


def cost_allocation(month: date, *, visible_model_ids: set[int] | None = None
                    ) -> CostAllocation:
    """The month's costs by business unit, team, model, project and category.

    Args:
        visible_model_ids: models the reader may see by name; others are shown as
            "Confidential model" (their amounts still count, so the totals stay whole).
    """
    start, end = month_bounds(month)
    records = list(CostRecord.objects.filter(month=start).order_by("pk"))
    usage = _usage(start, end)
    parts: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for record in records:
        if record.scope != CostScope.SHARED:
            parts[(record.model_id, record.project, record.category)][0] += record.amount
        elif usage:
            for model_id, share in largest_remainder_split(record.amount, usage).items():
                parts[(model_id, record.project, record.category)][1] += share
        else:
            parts[(None, record.project, record.category)][1] += record.amount
    models = {m.pk: m for m in MLModel.objects.filter(
        pk__in={key[0] for key in parts if key[0]}).select_related("team")}
    units: dict[str, BusinessUnitTotal] = {}
    for (model_id, project, category), (direct, shared) in sorted(
            parts.items(), key=lambda item: (str(item[0][0]), item[0][1], item[0][2])):
        model = models.get(model_id)
        if model is None:
            unit, team, name = UNALLOCATED, "", "Shared infrastructure (no usage reported)"
        else:
            unit = model.team.business_unit if model.team_id else UNASSIGNED
            team = model.team.name if model.team_id else ""
            name = model.name if visible_model_ids is None or model.pk in visible_model_ids \
                else "Confidential model"
        total = units.setdefault(unit, BusinessUnitTotal(unit))
        total.direct += direct
        total.shared += shared
        total.lines.append(AllocationLine(unit, team, model_id, name, project, category,
                                          direct, shared))
    for unit in units.values():
        unit.lines.sort(key=lambda line: (line.team, line.model_name, line.project,
                                          line.category))
    recorded = sum((r.amount for r in records), Decimal("0.00"))
    shared_total = sum((r.amount for r in records if r.scope == CostScope.SHARED),
                       Decimal("0.00"))
    return CostAllocation(month=start, currency=settings.CUSTODIA_COST_CURRENCY,
                          recorded_total=recorded, shared_total=shared_total,
                          usage_by_model=usage,
                          business_units=sorted(units.values(), key=lambda u: u.business_unit))
