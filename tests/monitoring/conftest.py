"""Shared fixtures of the monitoring tests: a model's team with its service account, and a
data scientist of another team."""

from __future__ import annotations

import pytest

from inventory.choices import ModelStage, RiskTier
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.users import UserFactory


@pytest.fixture
def credit(db):
    """A production version of `credit-default-xgb` (team Credit risk), its deployment, the
    team's monitoring service account, and a data scientist of the Fraud team."""
    service = UserFactory(username="svc-monitor", roles=["Data scientist"],
                          email="svc@example.org")
    owner = UserFactory(username="owner-credit", roles=["Model owner"],
                        email="owner@example.org")
    team = TeamFactory(slug="credit-risk", name="Credit risk", members=[service, owner])
    model = MLModelFactory(name="credit-default-xgb", team=team, owner=owner,
                           risk_tier=RiskTier.HIGH, stage=ModelStage.PRODUCTION)
    version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    deployment = DeploymentFactory(model_version=version, region="eu-west-1", segment="retail")
    outsider = UserFactory(username="ds-fraud", roles=["Data scientist"])
    TeamFactory(slug="fraud", name="Fraud", members=[outsider])
    return {"model": model, "version": version, "deployment": deployment, "service": service,
            "owner": owner, "outsider": outsider, "team": team}
