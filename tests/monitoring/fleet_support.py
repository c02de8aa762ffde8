"""Shared set-up of the fleet, health and cost tests: a model of the credit team with a
production version, the team's pipeline account, and a data scientist of another team."""

from __future__ import annotations

import datetime

import pytest

from inventory.choices import ModelStage
from inventory.services import catalogue
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    ModelVersionFactory,
    TeamFactory,
)
from tests.factories.users import UserFactory

__all__ = ["fleet_fixture", "registration"]


def registration(owner, team, name: str = "credit-default-xgb", **extra) -> dict:
    return {"name": name, "purpose": "Scores applications.", "owner": owner,
            "steward": owner, "team": team, "domain": "credit",
            "training_date": datetime.date(2026, 1, 1), "input_schema": VALID_INPUT_SCHEMA,
            "output_schema": VALID_OUTPUT_SCHEMA, "evaluation_metrics": {"auc": 0.8},
            "training_environment": "python", "inference_requirements": "1 vCPU", **extra}


@pytest.fixture(name="fleet")
def fleet_fixture(data_scientist):
    """The credit team's model (v1 and v2 in production), its pipeline's service account,
    and `outsider`: a data scientist of the fraud team."""
    service = UserFactory(username="svc-credit-deployer", roles=["Data scientist"])
    team = TeamFactory(slug="credit-risk", name="Credit risk", business_unit="Retail banking",
                       members=[data_scientist, service])
    outsider = UserFactory(username="ds-fraud", roles=["Data scientist"])
    TeamFactory(slug="fraud", name="Fraud", business_unit="Payments", members=[outsider])
    model = catalogue.mlmodel_create(actor=data_scientist, reason="New",
                                     data=registration(data_scientist, team))
    v1 = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    v2 = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    return {"model": model, "v1": v1, "v2": v2, "team": team, "service": service,
            "outsider": outsider}
