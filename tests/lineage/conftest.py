"""Helpers of the lineage tests: small graphs built through the services, trained versions,
signed-in browsers."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.test import Client

from inventory.choices import ModelStage
from inventory.models import DatasetVersion
from inventory.services.versions import model_version_datasets_link
from lineage.services import graph as services
from lineage.services.ingestion import openlineage_event_ingest
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.integration.conftest import (  # noqa: F401  (real brokers for the worker tests)
    any_broker,
    filesystem_broker,
    redis_broker,
)

C = "custodia"


@pytest.fixture
def artifact_root(settings, tmp_path: Path) -> Path:
    """Default storage (held data) in a folder of this test's own."""
    root = tmp_path / "artifacts"
    settings.STORAGES = {**settings.STORAGES, **{key: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}} for key in ("default", "held")}}
    return root


def run_event(job: str, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], *,
              event_type: str = "COMPLETE", run_id: str | None = None,
              event_time: str = "2026-11-20T10:00:00+00:00") -> dict:
    """A RunEvent as the OpenLineage clients send it."""
    return {
        "eventType": event_type, "eventTime": event_time,
        "run": {"runId": run_id or str(uuid.uuid4()), "facets": {}},
        "job": {"namespace": "airflow", "name": job, "facets": {}},
        "inputs": [{"namespace": ns, "name": name} for ns, name in inputs],
        "outputs": [{"namespace": ns, "name": name} for ns, name in outputs],
        "producer": "https://example.org/pipeline",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


@pytest.fixture
def ingest():
    """`ingest(event)` as system work (no acting user: jobs and fixtures)."""

    def do(event: dict):
        return openlineage_event_ingest(payload=event, actor=None)

    return do


def _chain(ingest):
    """raw -> clean -> features -> {production model v1, staging model v2}; a vendor API
    feeds the production version too."""
    raw = DatasetVersionFactory(dataset__name="loans-raw")
    prod = ModelVersionFactory(model__name="credit-default-xgb", stage=ModelStage.PRODUCTION)
    staging = ModelVersionFactory(model__name="credit-default-lgbm", stage=ModelStage.STAGING)
    ingest(run_event("clean", [(C, f"dataset-versions/{raw.pk}")], [("s3://lake", "clean")]))
    ingest(run_event("features", [("s3://lake", "clean")], [("s3://lake", "features")]))
    ingest(run_event("train-xgb", [("s3://lake", "features")], [(C, f"model-versions/{prod.pk}")]))
    ingest(run_event("train-lgbm", [("s3://lake", "features")],
                     [(C, f"model-versions/{staging.pk}")]))
    services.external_dependency_link(model_version=prod, name="bureau-score-api",
                                      vendor="Experian", actor=None, reason="test")
    return raw, prod, staging


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _trained(*versions: DatasetVersion, **model_version):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, **model_version)
    model_version_datasets_link(version=version, actor=None, reason="t", links=[
        {"dataset_version": v, "role": "train"} for v in versions])
    return version
