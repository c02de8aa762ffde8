"""Roll-up data for the monitoring page tests: daily series per deployment."""

from __future__ import annotations

import datetime

from django.utils import timezone

from monitoring.choices import Granularity
from tests.factories.metrics import MetricRollupFactory


def daily(version, name: str, kind: str, values: list[float], *, deployment=None,
          per_day: int = 24) -> None:
    """One daily roll-up per value, ending yesterday (each the mean of `per_day` points)."""
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for offset, value in enumerate(reversed(values), start=1):
        MetricRollupFactory(model_version=version, deployment=deployment, name=name, kind=kind,
                            granularity=Granularity.DAY,
                            bucket_start=today - datetime.timedelta(days=offset),
                            count=per_day, total=value * per_day, minimum=value * 0.8,
                            maximum=value * 1.3)
