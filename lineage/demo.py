"""Demo lineage for `make run`: OpenLineage runs that built the demo catalogue's production
models from its dataset versions, posted through the same ingestion service the API uses.

Run ids are derived from the records, so loading twice stores every event once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from inventory.choices import ModelStage
from inventory.models import DatasetVersion, ModelVersion
from lineage.models import CUSTODIA_NAMESPACE
from lineage.services.ingestion import openlineage_event_ingest

PRODUCER = "https://custodia.example.org/demo"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent"
DEMO_RUNS = uuid.UUID("5f0c6a4e-58f4-4d6b-9a55-0d5c1f6e2a10")
MODELS_WITH_LINEAGE = 8


def demo_load() -> dict[str, int]:
    """Ingest an ETL run per dataset version and a training run per production version."""
    dataset_versions = list(DatasetVersion.objects.select_related("dataset").order_by("pk"))
    if not dataset_versions:
        return {"lineage runs": 0}
    versions = list(ModelVersion.objects.filter(stage=ModelStage.PRODUCTION)
                    .select_related("model").prefetch_related("dataset_links")
                    .order_by("pk")[:MODELS_WITH_LINEAGE])
    events = [_etl_event(dv) for dv in dataset_versions]
    for index, version in enumerate(versions):
        inputs = [link.dataset_version_id for link in version.dataset_links.all()] or [
            dataset_versions[(index + k) % len(dataset_versions)].pk for k in (0, 1)]
        events.append(_training_event(version, sorted(set(inputs))))
    stored = sum(openlineage_event_ingest(payload=event, actor=None).created for event in events)
    return {"lineage runs": stored}


def _etl_event(dataset_version: DatasetVersion) -> dict:
    table = dataset_version.dataset.name.replace("-", "_")
    return _event(
        key=f"etl:{dataset_version.pk}", job=("warehouse", f"etl.build_{table}"),
        inputs=[("warehouse", f"raw.{table}"), ("warehouse", "reference.calendar")],
        outputs=[(CUSTODIA_NAMESPACE, f"dataset-versions/{dataset_version.pk}")],
        when=dataset_version.created_at - timedelta(hours=2))


def _training_event(version: ModelVersion, dataset_version_ids: list[int]) -> dict:
    return _event(
        key=f"train:{version.pk}", job=("ml-platform", f"train.{version.model.name}"),
        inputs=[(CUSTODIA_NAMESPACE, f"dataset-versions/{pk}") for pk in dataset_version_ids],
        outputs=[(CUSTODIA_NAMESPACE, f"model-versions/{version.pk}")],
        when=version.created_at - timedelta(hours=1))


def _event(*, key: str, job: tuple[str, str], inputs: list[tuple[str, str]],
           outputs: list[tuple[str, str]], when: datetime) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": when.astimezone(UTC).isoformat(),
        "run": {"runId": str(uuid.uuid5(DEMO_RUNS, key)), "facets": {}},
        "job": {"namespace": job[0], "name": job[1], "facets": {}},
        "inputs": [{"namespace": ns, "name": name, "facets": {}} for ns, name in inputs],
        "outputs": [{"namespace": ns, "name": name, "facets": {}} for ns, name in outputs],
        "producer": PRODUCER,
        "schemaURL": SCHEMA_URL,
    }
