"""The demo lineage `make run` shows: real ingested runs, loaded once however often."""

import pytest

from core.audit import audit_context
from core.demo import demo_users_load
from inventory.choices import ModelStage
from inventory.demo import demo_load as inventory_demo_load
from lineage.demo import demo_load
from lineage.models import LineageEdge, LineageEvent, LineageNode

pytestmark = pytest.mark.django_db


def test_demo_lineage_links_production_versions_to_their_data_once():
    with audit_context(label="command:load_demo_data"):
        demo_users_load()
        inventory_demo_load()
        first = demo_load()
        second = demo_load()

    assert first["lineage runs"] > 0
    assert second["lineage runs"] == 0
    assert LineageEvent.objects.count() == first["lineage runs"]
    trained = LineageNode.objects.filter(model_version__stage=ModelStage.PRODUCTION)
    assert trained.exists()
    for node in trained:
        run_edges = LineageEdge.objects.filter(target=node)
        assert run_edges.exists(), f"{node} has no producing run"
        run_inputs = LineageEdge.objects.filter(target__in=run_edges.values("source"))
        assert run_inputs.filter(source__dataset_version__isnull=False).exists()
