"""The real openlineage-python client posts a run with two inputs and
one output through its HTTP transport to the live server; the graph API then returns that
run's upstream."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import column_lineage_dataset, schema_dataset
from openlineage.client.transport.http import HttpConfig, HttpTransport
from rest_framework.authtoken.models import Token

from core.roles import Role
from lineage.models import ColumnLineage, LineageEdge, LineageEvent, LineageNode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"


def _client(live_server, token: str) -> OpenLineageClient:
    """The HTTP transport as a pipeline configures it; no retries, a short timeout (the
    client's emit() is synchronous and would retry for ~9 s against a dead sink)."""
    config = HttpConfig.from_dict({
        "url": live_server.url, "endpoint": "api/v1/lineage", "timeout": 5,
        "auth": {"type": "api_key", "apiKey": token},
        "retry": {"total": 0, "connect": 0, "read": 0, "status": 0}})
    return OpenLineageClient(transport=HttpTransport(config))


def _event(state: RunState, run_id: str) -> RunEvent:
    schema = schema_dataset.SchemaDatasetFacet(fields=[
        schema_dataset.SchemaDatasetFacetFields(name="income", type="DOUBLE"),
        schema_dataset.SchemaDatasetFacetFields(name="score", type="DOUBLE")])
    columns = column_lineage_dataset.ColumnLineageDatasetFacet(fields={
        "score": column_lineage_dataset.Fields(inputFields=[
            column_lineage_dataset.InputField(namespace="postgres://warehouse:5432",
                                              name="public.applications", field="income"),
            column_lineage_dataset.InputField(namespace="s3://bureau",
                                              name="exports/scores.parquet",
                                              field="bureau_score")],
            transformationType="AGGREGATION", transformationDescription="weighted mean")})
    return RunEvent(
        eventType=state, eventTime=datetime.now(UTC).isoformat(), run=Run(runId=run_id),
        job=Job(namespace="airflow-credit", name="features.build_training_set"),
        producer=PRODUCER,
        inputs=[InputDataset(namespace="postgres://warehouse:5432", name="public.applications",
                             facets={"schema": schema}),
                InputDataset(namespace="s3://bureau", name="exports/scores.parquet")],
        outputs=[OutputDataset(namespace="s3://features", name="training/credit.parquet",
                               facets={"columnLineage": columns})])


def test_client_run_with_two_inputs_and_one_output_then_upstream(live_server):
    pipeline = UserFactory(username="airflow-bot", roles=[Role.DATA_SCIENTIST])
    token = Token.objects.create(user=pipeline).key
    client = _client(live_server, token)
    run_id = str(uuid.uuid4())

    client.emit(_event(RunState.START, run_id))
    complete = _event(RunState.COMPLETE, run_id)
    client.emit(complete)
    client.emit(complete)  # a retried delivery: stored once, nothing duplicated

    run = LineageNode.objects.get(node_type="run", name=run_id)
    assert run.state == "COMPLETE" and run.started_at and run.ended_at
    assert LineageEvent.objects.filter(run_id=run_id).count() == 2
    assert LineageEdge.objects.filter(target=run, kind="consumed").count() == 2
    assert LineageEdge.objects.filter(source=run, kind="produced").count() == 1
    assert ColumnLineage.objects.filter(output_field="score").count() == 2

    import requests

    answer = requests.get(
        f"{live_server.url}/api/v1/lineage",
        params={"nodeId": f"run:airflow-credit:{run_id}", "depth": 1, "direction": "upstream"},
        headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert answer.status_code == 200, answer.text
    graph = {node["id"]: node for node in answer.json()["graph"]}
    assert set(graph) == {
        f"run:airflow-credit:{run_id}",
        "job:airflow-credit:features.build_training_set",
        "dataset:postgres://warehouse:5432:public.applications",
        "dataset:s3://bureau:exports/scores.parquet",
    }
    run_node = graph[f"run:airflow-credit:{run_id}"]
    assert run_node["type"] == "RUN" and run_node["data"]["state"] == "COMPLETE"
    assert {e["origin"] for e in run_node["inEdges"]} == set(graph) - {run_node["id"]}
    assert graph["dataset:s3://bureau:exports/scores.parquet"]["type"] == "DATASET"
