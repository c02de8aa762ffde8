"""Factories of the monitoring fleet, health and cost records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from inventory.choices import DeploymentEnvironment, RiskTier
from monitoring.choices import (
    CostCategory,
    CostScope,
    DeploymentEventKind,
    DeploymentEventOutcome,
    HealthProblem,
)
from monitoring.models import CostRecord, DeploymentEvent, HealthFinding, MonitoringRequirement

from .catalogue import MLModelFactory
from .lifecycle import DeploymentFactory

__all__ = ["CostRecordFactory", "DeploymentEventFactory", "HealthFindingFactory",
           "MonitoringRequirementFactory"]


class DeploymentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeploymentEvent

    deployment = factory.SubFactory(DeploymentFactory)
    model_version = factory.SelfAttribute("deployment.model_version")
    kind = DeploymentEventKind.CREATED
    environment = DeploymentEnvironment.PRODUCTION
    region = factory.SelfAttribute("deployment.region")
    segment = factory.SelfAttribute("deployment.segment")
    outcome = DeploymentEventOutcome.APPLIED
    reason = "Deployed by the release pipeline"


class MonitoringRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringRequirement

    model = factory.SubFactory(MLModelFactory)
    risk_tier = ""
    expected_interval_minutes = 60
    required_metrics = factory.LazyFunction(lambda: ["auc"])


class TierMonitoringRequirementFactory(MonitoringRequirementFactory):
    model = None
    risk_tier = RiskTier.HIGH


class HealthFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthFinding

    deployment = factory.SubFactory(DeploymentFactory)
    model_version = factory.SelfAttribute("deployment.model_version")
    problem = HealthProblem.STALE
    detail = "Last observation two hours ago; expected at least every 1 hour(s)."


class CostRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostRecord

    month = datetime.date(2026, 3, 1)
    scope = CostScope.MODEL
    model = factory.SubFactory(MLModelFactory)
    category = CostCategory.COMPUTE
    amount = Decimal("125.40")
    project = "P-1042"
    source = "API"
