"""Contract entries of metric ingestion, roll-ups, thresholds and retraining alerts
(appended to `RESOURCES` in contract.py).

Batches are posted by members of the model's team (a data scientist here) and never
changed or deleted; roll-ups and alerts are written by jobs only; thresholds are
configuration kept by risk officers.
"""

from __future__ import annotations

import itertools

from django.utils import timezone

from inventory.choices import ModelStage
from tests.api.contract import Resource
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.metrics import (
    MetricBatchFactory,
    MetricRollupFactory,
    MetricThresholdFactory,
    RetrainingAlertFactory,
)

__all__ = ["METRICS_RESOURCES"]

_numbers = itertools.count(1)


def _own_version(user):
    """A production version of a model of the data scientist's team; the contract suite also
    builds this payload for the refused user, who is made no member of anything."""
    is_data_scientist = user.groups.filter(name="Data scientist").exists()
    team = TeamFactory(members=[user] if is_data_scientist else [])
    return ModelVersionFactory(model=MLModelFactory(team=team), stage=ModelStage.PRODUCTION)


def _batch(user, value=0.81) -> dict:
    version = _own_version(user)
    now = timezone.now().isoformat()
    return {"source": "prometheus", "observations": [
        {"model_version": version.pk, "name": "auc", "value": 0.8, "observed_at": now},
        {"model_version": version.pk, "name": "p99_ms", "kind": "latency", "value": value,
         "observed_at": now}]}


METRICS_RESOURCES: list[Resource] = [
    Resource(name="metric-batches", route="monitoring-api:metricbatch",
             factory=MetricBatchFactory, writer="data_scientist",
             valid_payload=lambda user: _batch(user),
             update_payload=lambda obj, user: {"source": "changed"},
             invalid_payload=lambda user: _batch(user, value="fast"),
             invalid_field="observations[1].value", updatable=False, delete_status=405,
             max_list_queries=7),
    Resource(name="metric-rollups", route="monitoring-api:metricrollup",
             factory=MetricRollupFactory, read_only=True, max_list_queries=8),
    Resource(name="retraining-alerts", route="monitoring-api:retrainingalert",
             factory=RetrainingAlertFactory, read_only=True, max_list_queries=8),
    Resource(name="metric-thresholds", route="monitoring-api:metricthreshold",
             factory=MetricThresholdFactory, writer="risk_officer",
             valid_payload=lambda user: {"risk_tier": "high",
                                         "metric": f"latency_p99_{next(_numbers)}",
                                         "direction": "above", "limit": 250},
             update_payload=lambda obj, user: {"limit": 0.65},
             invalid_payload=lambda user: {"risk_tier": "high", "metric": "auc_x",
                                           "limit": 0.7, "baseline_tolerance": -1},
             invalid_field="baseline_tolerance", max_list_queries=8),
]
