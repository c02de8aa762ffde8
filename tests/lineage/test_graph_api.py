"""The graph API: impact and paths, refused queries, roles, external dependencies, and a
constant query count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import ModelStage
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.lineage.conftest import _chain, run_event

pytestmark = pytest.mark.django_db

C = "custodia"


def test_impact_and_path_api(ingest, platform_admin, api_client_for):
    raw, prod, _ = _chain(ingest)
    client = api_client_for(platform_admin)
    node_id = f"dataset:{C}:dataset-versions/{raw.pk}"
    answer = client.get(reverse("lineage-api:impact"), {"nodeId": node_id})
    assert answer.status_code == 200
    assert [v["id"] for v in answer.json()["modelVersions"]] == [prod.pk]
    path = client.get(reverse("lineage-api:path"), {
        "from": node_id, "to": f"model:{C}:model-versions/{prod.pk}"}).json()
    assert path["found"] and len(path["path"]) == 7
    assert path["path"][-1]["data"]["model"] == "credit-default-xgb"


def test_graph_api_refuses_bad_queries(platform_admin, api_client_for):
    client = api_client_for(platform_admin)
    url = reverse("lineage-api:lineage")
    for params, field in [({}, "nodeId"), ({"nodeId": "nonsense"}, "nodeId"),
                          ({"nodeId": "table:a:b"}, "nodeId"),
                          ({"nodeId": "dataset:a:missing"}, "nodeId"),
                          ({"nodeId": "dataset:a:b", "depth": "deep"}, "depth")]:
        answer = client.get(url, params)
        assert answer.status_code == 400, params
        assert field in answer.json()["error"]["fields"], answer.json()


def test_graph_api_needs_a_role(refused_user, api_client_for, api_client):
    assert api_client.get(reverse("lineage-api:lineage"), {"nodeId": "job:a:b"}).status_code == 401
    answer = api_client_for(refused_user).get(reverse("lineage-api:lineage"), {"nodeId": "job:a:b"})
    assert answer.status_code == 403


def test_external_dependency_recorded_through_the_api(model_owner, auditor, api_client_for):
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    url = reverse("lineage-api:external-dependencies")
    payload = {"model_version": version.pk, "name": "bureau-score-api", "vendor": "Experian"}
    assert api_client_for(auditor).post(url, payload, format="json").status_code == 403
    bad = api_client_for(model_owner).post(url, {**payload, "vendor": ""}, format="json")
    assert bad.status_code == 400 and "vendor" in bad.json()["error"]["fields"]
    answer = api_client_for(model_owner).post(url, payload, format="json")
    assert answer.status_code == 201
    assert answer.json()["nodeId"] == "external:Experian:bureau-score-api"
    impact = api_client_for(auditor).get(reverse("lineage-api:impact"),
                                         {"nodeId": answer.json()["nodeId"]})
    assert [v["id"] for v in impact.json()["modelVersions"]] == [version.pk]


def test_graph_api_constant_queries(ingest, platform_admin, api_client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(platform_admin)
    counts = []
    for width in (2, 6):
        versions = [DatasetVersionFactory() for _ in range(width)]
        event = run_event(f"job{width}", [("custodia", f"dataset-versions/{v.pk}")
                                          for v in versions], [("lake", f"out{width}")])
        ingest(event)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(reverse("lineage-api:lineage"),
                                {"nodeId": f"run:airflow:{event['run']['runId']}", "depth": 1})
        assert answer.status_code == 200 and len(answer.json()["graph"]) == width + 3
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 12
