"""The retraining priority: which models most need retraining, and why.

Each model in service (production or deprecated) scores 0 to 100 on four parts, shown
separately, and the score is their mean weighted by `PriorityWeights`:
- **usage**: its usage metric's volume over the window, relative to the busiest model;
- **business impact**: the impact its owner declared (low 25 … critical 100);
- **risk tier**: low 25 … critical 100;
- **decay**: the worst active retraining alert's degradation, full marks at
  `decay_full_at`.
Three queries whatever the number of models.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Sum
from django.utils import timezone

from core.permissions import restrict_queryset
from inventory.choices import BusinessImpact, ModelStage, RiskTier
from inventory.models import MLModel
from monitoring.choices import Granularity
from monitoring.models import MetricRollup, PriorityWeights, RetrainingAlert

__all__ = ["PriorityRow", "retraining_priorities"]

_LEVEL = {RiskTier.LOW: 25, RiskTier.MEDIUM: 50, RiskTier.HIGH: 75, RiskTier.CRITICAL: 100}
_IMPACT = {BusinessImpact.LOW: 25, BusinessImpact.MEDIUM: 50, BusinessImpact.HIGH: 75,
           BusinessImpact.CRITICAL: 100}
IN_SERVICE = (ModelStage.PRODUCTION, ModelStage.DEPRECATED)


@dataclass
class PriorityRow:
    """One model's place in the ranking, with every part of its score."""

    model: MLModel
    usage_volume: float
    usage: float
    impact: float
    risk: float
    decay: float
    degradation: float
    open_alerts: int
    score: float = 0.0
    rank: int = 0

    def get_absolute_url(self) -> str:
        return self.model.get_absolute_url()


def retraining_priorities(*, user, weights: PriorityWeights | None = None,
                          now: datetime.datetime | None = None) -> list[PriorityRow]:
    """Models in service the user may see, highest priority first."""
    weights = weights or PriorityWeights.current()
    now = now or timezone.now()
    models = list(restrict_queryset(MLModel.objects.filter(stage__in=IN_SERVICE), user, "view")
                  .select_related("team", "owner").order_by("name"))
    ids = [m.pk for m in models]
    since = now - datetime.timedelta(days=weights.usage_window_days)
    volume = dict(MetricRollup.objects.filter(
        granularity=Granularity.DAY, name=weights.usage_metric, bucket_start__gte=since,
        model_version__model__in=ids).order_by().values("model_version__model")
        .annotate(volume=Sum("total")).values_list("model_version__model", "volume"))
    alerts = {row["model_version__model"]: row for row in RetrainingAlert.objects.active()
              .filter(model_version__model__in=ids).order_by().values("model_version__model")
              .annotate(worst=Max("degradation"), n=Count("id")).values(
                  "model_version__model", "worst", "n")}
    busiest = max(volume.values(), default=0) or 0
    rows = []
    for model in models:
        used = float(volume.get(model.pk) or 0)
        worst = float((alerts.get(model.pk) or {}).get("worst") or 0)
        rows.append(PriorityRow(
            model=model, usage_volume=used,
            usage=round(100 * used / busiest, 1) if busiest else 0.0,
            impact=_IMPACT.get(model.business_impact, 50),
            risk=_LEVEL.get(model.risk_tier, 75),
            decay=round(min(100.0, 100 * worst / weights.decay_full_at), 1),
            degradation=worst, open_alerts=int((alerts.get(model.pk) or {}).get("n") or 0)))
    _score(rows, weights)
    return rows


def _score(rows: list[PriorityRow], weights: PriorityWeights) -> None:
    parts = (("usage", weights.usage_weight), ("impact", weights.impact_weight),
             ("risk", weights.risk_weight), ("decay", weights.decay_weight))
    total = sum(weight for _, weight in parts) or 1.0
    for row in rows:
        row.score = round(sum(getattr(row, name) * weight for name, weight in parts) / total, 1)
    rows.sort(key=lambda row: (-row.score, row.model.name))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
