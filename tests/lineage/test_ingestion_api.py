"""OpenLineage ingestion through the API: validation (400 naming the problem, nothing
written), token auth, idempotency, records the token cannot see."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from lineage.models import LineageEdge, LineageEvent, LineageNode
from tests.factories.catalogue import DatasetFactory, DatasetVersionFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db

URL = "/api/v1/lineage"


def _nothing_written() -> bool:
    return not (LineageEvent.objects.exists() or LineageNode.objects.exists()
                or LineageEdge.objects.exists())


def test_the_path_is_exactly_the_openlineage_transport_default():
    assert reverse("lineage-api:lineage") == URL


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda e: e.pop("eventTime"), "eventTime"),
    (lambda e: e.update(eventTime="yesterday"), "eventTime"),
    (lambda e: e.update(eventTime="2026-11-20T10:00:00"), "eventTime"),  # no time zone
    (lambda e: e.update(eventType="FINISHED"), "eventType"),
    (lambda e: e["run"].update(runId="not-a-uuid"), "run.runId"),
    (lambda e: e.pop("run"), "run"),
    (lambda e: e["job"].update(name=""), "job.name"),
    (lambda e: e.pop("producer"), "producer"),
    (lambda e: e.update(inputs={"namespace": "x"}), "inputs"),
    (lambda e: e["inputs"].append({"namespace": "ns"}), "inputs.1.name"),
    (lambda e: e["outputs"][0].update(facets={"columnLineage": {"fields": {
        "score": {"inputFields": [{"namespace": "ns"}]}}}}),
     "outputs.0.facets.columnLineage.fields.score.inputFields.0"),
    (lambda e: e["inputs"].append({"namespace": "custodia", "name": "dataset-versions/999999"}),
     "inputs.1.name"),
])
def test_malformed_events_are_refused_naming_the_problem(data_scientist, api_client_for, mutate,
                                                         field):
    event = run_event("train", [("ns", "in")], [("ns", "out")])
    mutate(event)
    answer = api_client_for(data_scientist).post(URL, event, format="json")
    assert answer.status_code == 400
    body = answer.json()["error"]
    assert body["status"] == 400 and field in body["fields"], body
    assert _nothing_written()


def test_not_json_is_a_400_in_the_error_shape(data_scientist, api_client_for):
    answer = api_client_for(data_scientist).generic(
        "POST", URL, "{not json", content_type="application/json")
    assert answer.status_code == 400 and answer.json()["error"]["status"] == 400
    answer = api_client_for(data_scientist).post(URL, [1, 2], format="json")
    assert answer.status_code == 400 and _nothing_written()


def test_bearer_token_required_and_role_checked(api_client, refused_user, api_client_for):
    event = run_event("train", [("ns", "in")], [("ns", "out")])
    assert api_client.post(URL, event, format="json").status_code == 401
    assert api_client_for(refused_user).post(URL, event, format="json").status_code == 403
    assert _nothing_written()


def test_repeated_event_is_idempotent(data_scientist, api_client_for):
    client = api_client_for(data_scientist)
    event = run_event("train", [("ns", "in")], [("ns", "out")])
    first = client.post(URL, event, format="json")
    again = client.post(URL, json.loads(json.dumps(event)), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert LineageEvent.objects.count() == 1
    assert LineageEdge.objects.count() == 3  # job->run, in->run, run->out
    assert LineageEvent.objects.get().received_by == data_scientist


def test_an_automation_token_cannot_link_a_record_it_cannot_see(data_scientist, api_client_for):
    hidden = DatasetVersionFactory(dataset=DatasetFactory(confidential=True))
    event = run_event("t", [("custodia", f"dataset-versions/{hidden.pk}")], [("ns", "o")])
    answer = api_client_for(data_scientist).post(URL, event, format="json")
    assert answer.status_code == 400 and "inputs.0.name" in answer.json()["error"]["fields"]
    assert _nothing_written()
