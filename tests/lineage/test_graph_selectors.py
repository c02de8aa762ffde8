"""Graph queries in the database: walks to a depth, impact through several hops, paths."""

from __future__ import annotations

import pytest

from inventory.choices import ModelStage
from lineage.choices import NodeType
from lineage.models import LineageNode
from lineage.selectors import graph
from lineage.services import graph as services
from tests.lineage.conftest import _chain, run_event

pytestmark = pytest.mark.django_db

C = "custodia"


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
