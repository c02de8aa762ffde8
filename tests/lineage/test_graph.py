"""Graph queries in the database: walks to a depth, impact through several hops, paths."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import ModelStage
from lineage.selectors import graph
from lineage.choices import NodeType
from lineage.models import LineageNode
from lineage.services import graph as services
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db

C = "custodia"


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


def _node(node_type: str, namespace: str, name: str) -> LineageNode:
    return LineageNode.objects.get(node_type=node_type, namespace=namespace, name=name)


def test_impact_from_a_dataset_version_reaches_production_models_through_several_hops(ingest):
    raw, prod, _staging = _chain(ingest)
    start = _node(NodeType.DATASET, C, f"dataset-versions/{raw.pk}")
    # raw -> run -> clean -> run -> features -> run -> model: 6 edges away.
    assert graph.impacted_model_versions([start.pk]) == [prod.pk]
    assert graph.impacted_model_versions([start.pk], depth=5) == []
    everything = graph.impacted_model_versions(
        [start.pk], stages=(ModelStage.PRODUCTION, ModelStage.STAGING))
    assert len(everything) == 2


def test_impact_from_a_vendor_api(ingest):
    _raw, prod, _ = _chain(ingest)
    vendor = _node(NodeType.EXTERNAL, "Experian", "bureau-score-api")
    assert graph.impacted_model_versions([vendor.pk]) == [prod.pk]


def test_walk_depth_and_direction(ingest):
    raw, _prod, _ = _chain(ingest)
    clean = _node(NodeType.DATASET, "s3://lake", "clean")
    up = graph.walk([clean.pk], direction=graph.Direction.UPSTREAM, depth=2)
    names = set(LineageNode.objects.filter(pk__in=up.depths).values_list("name", flat=True))
    assert f"dataset-versions/{raw.pk}" in names and "clean" in names
    assert up.depths[clean.pk] == 0
    down = graph.walk([clean.pk], direction=graph.Direction.DOWNSTREAM, depth=2)
    assert "features" in set(LineageNode.objects.filter(pk__in=down.depths).values_list(
        "name", flat=True))
    assert f"dataset-versions/{raw.pk}" not in set(LineageNode.objects.filter(
        pk__in=down.depths).values_list("name", flat=True))


def test_walk_stops_at_the_node_cap(ingest):
    _chain(ingest)
    features = _node(NodeType.DATASET, "s3://lake", "features")
    capped = graph.walk([features.pk], direction=graph.Direction.BOTH, depth=10, max_nodes=2)
    assert capped.truncated and len(capped.depths) <= 4


def test_cycles_end(ingest):
    ingest(run_event("a", [("ns", "x")], [("ns", "y")]))
    ingest(run_event("b", [("ns", "y")], [("ns", "x")]))
    x = _node(NodeType.DATASET, "ns", "x")
    walked = graph.walk([x.pk], direction=graph.Direction.DOWNSTREAM, depth=50)
    assert len(walked.depths) == 4  # x, run a, y, run b
    assert graph.path_between(x.pk, x.pk) == [x.pk]


def test_path_between_two_nodes(ingest):
    raw, prod, _ = _chain(ingest)
    start = _node(NodeType.DATASET, C, f"dataset-versions/{raw.pk}")
    end = _node(NodeType.MODEL_VERSION, C, f"model-versions/{prod.pk}")
    path = graph.nodes_path(source=start, target=end)
    assert path[0] == start and path[-1] == end and len(path) == 7
    assert graph.nodes_path(source=end, target=start) == path  # found the other way round
    unrelated = services.node_ensure(node_type=NodeType.DATASET, namespace="ns", name="alone")
    assert graph.nodes_path(source=start, target=unrelated) == []


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
