"""Helpers of the lineage tests: small graphs built through the services."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lineage.services.ingestion import openlineage_event_ingest
from tests.integration.conftest import (  # noqa: F401  (real brokers for the worker tests)
    any_broker,
    filesystem_broker,
    redis_broker,
)


@pytest.fixture
def artifact_root(settings, tmp_path: Path) -> Path:
    """Default storage (held data) in a folder of this test's own."""
    root = tmp_path / "artifacts"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}}}
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
