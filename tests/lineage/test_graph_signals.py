"""Inventory's dataset links are mirrored into the graph by the lineage receivers."""

from __future__ import annotations

import pytest

from inventory.services.versions import model_version_datasets_link
from lineage.choices import EdgeKind, NodeType
from lineage.models import LineageEdge, LineageNode
from tests.factories.catalogue import DatasetVersionFactory
from tests.lineage.conftest import _trained

pytestmark = pytest.mark.django_db


def test_dataset_links_are_mirrored_into_the_graph():
    data = DatasetVersionFactory()
    version = _trained(data)
    edge = LineageEdge.objects.get(kind=EdgeKind.TRAINED_ON)
    assert (edge.source.dataset_version, edge.target.model_version) == (data, version)
    model_version_datasets_link(version=version, actor=None, reason="t", links=[])
    assert not LineageEdge.objects.filter(kind=EdgeKind.TRAINED_ON).exists()
    assert LineageNode.objects.filter(node_type=NodeType.MODEL_VERSION).exists()
