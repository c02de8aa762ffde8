"""OpenLineage ingestion: run states, links to registered versions, column lineage."""

from __future__ import annotations

import pytest

from lineage.models import ColumnLineage, LineageNode
from tests.factories.catalogue import DatasetVersionFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db

URL = "/api/v1/lineage"


def test_run_state_moves_forward_only(ingest):
    run_id = "3f1b7a52-3c8e-4f0e-9c64-0d1f3b2f9a10"
    ingest(run_event("t", [], [], event_type="START", run_id=run_id,
                     event_time="2026-11-20T10:00:00+00:00"))
    ingest(run_event("t", [], [], event_type="COMPLETE", run_id=run_id,
                     event_time="2026-11-20T10:05:00+00:00"))
    ingest(run_event("t", [], [], event_type="RUNNING", run_id=run_id,
                     event_time="2026-11-20T10:03:00+00:00"))  # arrives late
    run = LineageNode.objects.get(node_type="run", name=run_id)
    assert run.state == "COMPLETE"
    assert run.started_at.minute == 0 and run.ended_at.minute == 5


def test_registered_dataset_version_is_linked_and_column_lineage_kept(ingest):
    version = DatasetVersionFactory()
    event = run_event("features", [("custodia", f"dataset-versions/{version.pk}")],
                      [("s3://lake", "features")])
    event["outputs"][0]["facets"] = {"columnLineage": {"fields": {"income_band": {
        "inputFields": [{"namespace": "custodia", "name": f"dataset-versions/{version.pk}",
                         "field": "income"}], "transformationType": "TRANSFORMATION"}}}}
    ingest(event)
    node = LineageNode.objects.get(dataset_version=version)
    assert node.out_edges.get().kind == "consumed"
    link = ColumnLineage.objects.get()
    assert (link.input, link.input_field, link.output_field) == (node, "income", "income_band")
