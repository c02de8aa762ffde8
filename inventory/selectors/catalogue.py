"""Reads of the catalogue that pages and counters share: licence constraints of third-party
models and the risk tier by stage matrix of the risk register.
"""

from __future__ import annotations

from collections import Counter as Tally

from django.db.models import QuerySet
from django.urls import reverse

from inventory.choices import ModelStage, Redistribution, RiskTier
from inventory.models import MLModel
from inventory.tables import RISK_BADGES, STAGE_BADGES

__all__ = [
    "TIER_ORDER",
    "mlmodel_licence_constraints",
    "risk_stage_matrix",
]


# --------------------------------------------------------------------------------------
# Reads the dashboards and the API share
# --------------------------------------------------------------------------------------
def mlmodel_licence_constraints(*, queryset: QuerySet | None = None,
                                redistribution: tuple[str, ...] = (Redistribution.PROHIBITED,
                                                                   Redistribution.CONDITIONS),
                                stage: str = ModelStage.PRODUCTION) -> QuerySet:
    """Models at `stage` whose licence restricts redistribution.

    "Which production models may not be redistributed?" is
    `mlmodel_licence_constraints(queryset=MLModel.objects.restrict(user),
    redistribution=(Redistribution.PROHIBITED,))`; the default also lists those that may
    be redistributed only under conditions. Pass a restricted queryset: this narrows, it
    does not check permissions.
    """
    queryset = MLModel.objects.all() if queryset is None else queryset
    return queryset.filter(stage=stage, redistribution__in=list(redistribution)).for_list()


# --------------------------------------------------------------------------------------
# Risk register: models by risk tier x stage
# --------------------------------------------------------------------------------------
TIER_ORDER = [RiskTier.CRITICAL, RiskTier.HIGH, RiskTier.MEDIUM, RiskTier.LOW]


def risk_stage_matrix(user) -> dict:
    """Counts of the models `user` may see, by risk tier (rows) and stage (columns).

    Every number links to the models list filtered to it, so each can be checked.
    """
    from django.db.models import Count

    counts = Tally()
    for row in (MLModel.objects.restrict(user, "view").order_by()
                .values("risk_tier", "stage").annotate(n=Count("pk"))):
        counts[(row["risk_tier"], row["stage"])] += row["n"]
    stages = list(ModelStage)
    list_url = reverse("inventory:mlmodel_list")
    biggest = max([sum(counts[(t, s)] for s in stages) for t in TIER_ORDER] + [1])
    rows = []
    for tier in TIER_ORDER:
        cells = [{"stage": stage, "count": counts[(tier, stage)],
                  "url": f"{list_url}?risk_tier={tier}&stage={stage}"} for stage in stages]
        total = sum(c["count"] for c in cells)
        rows.append({
            "tier": tier, "label": tier.label, "badge": RISK_BADGES[tier], "cells": cells,
            "total": total, "url": f"{list_url}?risk_tier={tier}",
            "segments": [{**c, "label": c["stage"].label,
                          "width": round(100 * c["count"] / biggest, 2)}
                         for c in cells if c["count"]],
        })
    columns = [{"stage": s, "label": s.label, "total": sum(counts[(t, s)] for t in TIER_ORDER),
                "url": f"{list_url}?stage={s}"} for s in stages]
    return {"rows": rows, "columns": columns, "total": sum(counts.values()),
            "stages": stages, "stage_badges": STAGE_BADGES}
