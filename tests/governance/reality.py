"""Seeded reality for reconciliation tests: an inventory, what platforms report, stored
files and monitoring data, with one planted problem of each kind (and healthy records that
must raise nothing)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from governance.services.reconciliation import reality_listing_create
from inventory.choices import DeploymentStatus, ModelStage, RiskTier
from inventory.models import MLModel
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory
from tests.factories.users import UserFactory


@pytest.fixture(name="stores")
def stores_fixture(settings, tmp_path: Path) -> tuple[Path, Path]:
    """(held storage folder, configured artifact folder), both empty; reports are stored
    in a folder of the test's own too."""
    held, folder = tmp_path / "held", tmp_path / "artifact-folder"
    held.mkdir()
    folder.mkdir()
    settings.STORAGES = {**settings.STORAGES, "held": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(held)}},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "default")}}}
    settings.CUSTODIA_RECONCILIATION_FOLDERS = [str(folder)]
    return held, folder


@dataclass
class Reality:
    healthy: MLModel
    staging_in_production: MLModel  # listed running in production while only in staging
    deployed_unapproved: MLModel  # a deployment record of a validated version in production
    retired_but_monitored: MLModel  # retired, yet the monitoring feed still sees it
    orphaned: MLModel  # owner left, nothing deployed, nothing used
    stale: MLModel  # high risk, last reviewed 400 days ago
    unregistered_name: str  # running in production, never registered
    unregistered_file: str  # a held file no version points at
    folder_file: str  # a file in a configured artifact folder no version points at


def plant(*, held_root: Path, folder: Path, reporter) -> Reality:
    """Create the inventory and reality; `held_root` is the held storage's folder and
    `folder` a configured artifact folder (both empty)."""
    today = timezone.localdate()
    olga = UserFactory(username="olga")
    departed = UserFactory(username="dave-left", is_active=False)
    recently = today - datetime.timedelta(days=10)

    healthy = MLModelFactory(name="credit-default-xgb", owner=olga, risk_tier=RiskTier.HIGH,
                             last_reviewed_on=recently, stage=ModelStage.PRODUCTION)
    healthy_v1 = ModelVersionFactory(model=healthy, stage=ModelStage.PRODUCTION,
                                     artifact_uri="custodia://models/1/v1/aaa-model.bin")
    DeploymentFactory(model_version=healthy_v1, region="eu-west-1")

    staging = MLModelFactory(name="churn-lgbm", owner=olga, last_reviewed_on=recently)
    ModelVersionFactory(model=staging, stage=ModelStage.STAGING)

    unapproved = MLModelFactory(name="fraud-rules", owner=olga, last_reviewed_on=recently)
    DeploymentFactory(model_version=ModelVersionFactory(model=unapproved,
                                                        stage=ModelStage.VALIDATED),
                      status=DeploymentStatus.ACTIVE, region="us-east-1")

    retired = MLModelFactory(name="legacy-scorecard", owner=olga, last_reviewed_on=recently,
                             stage=ModelStage.RETIRED)
    MetricObservationFactory(model_version=ModelVersionFactory(model=retired,
                                                               stage=ModelStage.RETIRED))

    orphaned = MLModelFactory(name="marketing-uplift", owner=departed, last_reviewed_on=recently)
    ModelVersionFactory(model=orphaned)

    stale = MLModelFactory(name="pricing-elasticity", owner=olga, risk_tier=RiskTier.HIGH,
                           last_reviewed_on=today - datetime.timedelta(days=400))

    reality_listing_create(actor=reporter, kind="serving_platform", source="sagemaker-eu",
                           items=[
                               {"model_name": "credit-default-xgb", "version": 1,
                                "environment": "production", "region": "eu-west-1"},
                               {"model_name": "churn-lgbm", "version": 1,
                                "environment": "production", "region": "eu-west-1"},
                               {"model_name": "shadow-pricing-gbm", "version": 2,
                                "environment": "production", "region": "eu-west-1",
                                "endpoint": "https://pricing.internal/v2"},
                           ])
    for name in ("models/1/v1/aaa-model.bin", "models/77/v1/bbb-unregistered.bin"):
        path = held_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"weights")
    stray = folder / "exports" / "model-copy.pkl"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"pickle")
    return Reality(healthy=healthy, staging_in_production=staging, deployed_unapproved=unapproved,
                   retired_but_monitored=retired, orphaned=orphaned, stale=stale,
                   unregistered_name="shadow-pricing-gbm",
                   unregistered_file="custodia://models/77/v1/bbb-unregistered.bin",
                   folder_file=stray.resolve().as_uri())


def expected_keys(reality: Reality) -> dict[str, str]:
    """The key of each planted problem's finding, by a short name."""
    staging_v1 = reality.staging_in_production.versions.get()
    unapproved_v1 = reality.deployed_unapproved.versions.get()
    retired_v1 = reality.retired_but_monitored.versions.get()
    return {
        "unregistered running": f"unauthorised:running:{reality.unregistered_name}:2:production",
        "staging in production": f"unauthorised:stage:{staging_v1.pk}:production",
        "deployed unapproved": f"unauthorised:stage:{unapproved_v1.pk}:production",
        "retired but monitored": f"unauthorised:monitored:{retired_v1.pk}",
        "unregistered held file": f"unauthorised:stored:{reality.unregistered_file}",
        "unregistered folder file": f"unauthorised:stored:{reality.folder_file}",
        "orphaned": f"orphaned:{reality.orphaned.pk}",
        "stale": f"stale:{reality.stale.pk}",
    }
