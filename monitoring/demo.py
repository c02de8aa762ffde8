"""Demo fleet, monitoring requirements and costs for `make run`, written through the same
services the API uses: deployment events for the demo catalogue's production versions,
a few metric reports (one deployment never reports, one stopped), last month's costs with
a shared platform bill, then one health check.

Loading twice adds nothing: each part is skipped when its records are already there.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.exceptions import ConflictError
from core.services.records import record_create
from inventory.choices import MetricKind, ModelStage, RiskTier
from inventory.models import ModelVersion
from inventory.services.deployments import metric_observations_record
from monitoring.choices import CostCategory, CostScope
from monitoring.models import CostRecord, DeploymentEvent, MonitoringRequirement
from monitoring.services.fleet import deployment_event_apply
from monitoring.services.health import health_check

REASON = "Demo data"
PLACES = [("eu-west-1", "retail"), ("eu-west-1", "smb"), ("eu-central-1", "retail")]
TIER_REQUIREMENTS = {RiskTier.CRITICAL: (60, ["auc", "psi"]), RiskTier.HIGH: (240, ["auc"]),
                     RiskTier.MEDIUM: (24 * 60, []), RiskTier.LOW: (7 * 24 * 60, [])}


def demo_load() -> dict[str, int]:
    versions = list(ModelVersion.objects.filter(stage=ModelStage.PRODUCTION)
                    .select_related("model").order_by("pk")[:6])
    if not versions:
        return {"deployment events": 0}
    requirements = _requirements()
    events = 0 if DeploymentEvent.objects.exists() else _deploy(versions)
    costs = 0 if CostRecord.objects.filter(reference__startswith="demo-").exists() \
        else _costs(versions)
    health = health_check()
    return {"monitoring requirements": requirements, "deployment events": events,
            "cost records": costs, "health findings": health.get("opened", 0)}


def _requirements() -> int:
    created = 0
    for tier, (minutes, metrics) in TIER_REQUIREMENTS.items():
        if not MonitoringRequirement.objects.filter(risk_tier=tier).exists():
            record_create(model_class=MonitoringRequirement, actor=None, reason=REASON,
                          data={"risk_tier": tier, "expected_interval_minutes": minutes,
                                "required_metrics": metrics})
            created += 1
    return created


def _deploy(versions: list[ModelVersion]) -> int:
    now = timezone.now()
    stored = 0
    for index, version in enumerate(versions):
        for region, segment in PLACES[: 1 + index % len(PLACES)]:
            try:
                event = deployment_event_apply(
                    version=version, actor=None, reason=REASON,
                    data={"kind": "created", "environment": "production", "region": region,
                          "segment": segment, "replicas": 2 + index % 3,
                          "endpoint": f"https://{version.model.name}.serving.internal/v1"})
            except ConflictError:
                continue  # a residency rule keeps this version out of that region
            stored += 1
            if index == 0:
                continue  # the first model was never instrumented
            ago = timedelta(days=3) if index == 1 else timedelta(minutes=10)
            metric_observations_record(
                version=version, actor=None, deployment=event.deployment,
                metrics={"auc": 0.78 + index / 100, "psi": 0.04}, kind=MetricKind.PERFORMANCE,
                observed_at=now - ago, source="demo monitor")
            metric_observations_record(
                version=version, actor=None, deployment=event.deployment,
                metrics={"requests": 10_000.0 * (index + 1)}, kind=MetricKind.USAGE,
                observed_at=_last_month(now) + timedelta(days=14), source="demo gateway")
    return stored


def _last_month(now):
    return (now.replace(day=1) - timedelta(days=1)).replace(day=1, hour=12, minute=0,
                                                            second=0, microsecond=0)


def _costs(versions: list[ModelVersion]) -> int:
    month = _last_month(timezone.now()).date()
    rows = [{"scope": CostScope.MODEL, "model": version.model,
             "category": CostCategory.COMPUTE, "amount": Decimal(f"{850 + 137 * index}.40"),
             "project": f"P-10{40 + index}", "description": "Serving and retraining"}
            for index, version in enumerate(versions)]
    rows.append({"scope": CostScope.SHARED, "category": CostCategory.NETWORK,
                 "amount": Decimal("1999.99"), "description": "Shared gateway and load balancers"})
    for number, row in enumerate(rows, start=1):
        record_create(model_class=CostRecord, actor=None, reason=REASON,
                      data={**row, "month": month, "source": "demo",
                            "reference": f"demo-{month:%Y-%m}-{number}"})
    return len(rows)
