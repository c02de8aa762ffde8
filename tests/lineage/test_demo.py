"""The demo lineage `make run` shows: real ingested runs, loaded once however often."""

import pytest

from core.audit import audit_context
from core.demo import demo_users_load
from inventory.choices import ModelStage
from inventory.demo import demo_load as inventory_demo_load
from inventory.models import ModelVersion
from lineage.demo import MODELS_WITH_LINEAGE, demo_load
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
    # The versions the demo sends a training run for; the others' registered dataset links
    # are mirrored into the graph without a run.
    with_runs = ModelVersion.objects.filter(stage=ModelStage.PRODUCTION).order_by("pk")
    trained = LineageNode.objects.filter(
        model_version__in=list(with_runs.values_list("pk", flat=True)[:MODELS_WITH_LINEAGE]))
    assert trained.exists()
    for node in trained:
        run_edges = LineageEdge.objects.filter(target=node)
        assert run_edges.exists(), f"{node} has no producing run"
        run_inputs = LineageEdge.objects.filter(target__in=run_edges.values("source"))
        assert run_inputs.filter(source__dataset_version__isnull=False).exists()
