"""Contract entries of the monitoring fleet, health and cost resources (appended to
`RESOURCES` in contract.py).

Deployment events and health findings are evidence: read-only here (events are posted to
`cicd/deployment-events/`, findings written by the health check). Requirements and cost
records are writable by the roles that own them.
"""

from __future__ import annotations

import itertools

from inventory.choices import RiskTier
from monitoring.choices import CostScope
from tests.api.contract import Resource
from tests.factories.catalogue import MLModelFactory
from tests.factories.fleet import (
    CostRecordFactory,
    DeploymentEventFactory,
    HealthFindingFactory,
    MonitoringRequirementFactory,
)

__all__ = ["MONITORING_FLEET_RESOURCES"]

_numbers = itertools.count(1)


def _cost_payload() -> dict:
    return {"month": "2026-03-01", "scope": CostScope.MODEL, "model": MLModelFactory().pk,
            "category": "compute", "amount": "1250.40", "project": "P-1042",
            "reference": f"bill-2026-03-{next(_numbers):04d}"}


MONITORING_FLEET_RESOURCES: list[Resource] = [
    Resource(name="deployment-events", route="monitoring-api:deploymentevent",
             factory=DeploymentEventFactory, read_only=True, max_list_queries=8),
    Resource(name="health-findings", route="monitoring-api:healthfinding",
             factory=HealthFindingFactory, read_only=True, max_list_queries=8),
    Resource(
        name="monitoring-requirements", route="monitoring-api:monitoringrequirement",
        factory=MonitoringRequirementFactory, writer="compliance_officer",
        valid_payload=lambda user: {"model": MLModelFactory().pk,
                                    "expected_interval_minutes": 60,
                                    "required_metrics": ["auc", "psi"]},
        update_payload=lambda obj, user: {"expected_interval_minutes": 30},
        invalid_payload=lambda user: {"risk_tier": RiskTier.LOW,
                                      "expected_interval_minutes": 0},
        invalid_field="expected_interval_minutes", max_list_queries=8),
    Resource(
        name="cost-records", route="monitoring-api:costrecord", factory=CostRecordFactory,
        writer="platform_admin",
        valid_payload=lambda user: _cost_payload(),
        update_payload=lambda obj, user: {"amount": "99.99"},
        invalid_payload=lambda user: {**_cost_payload(), "amount": "-5.00"},
        invalid_field="amount", max_list_queries=8),
]
