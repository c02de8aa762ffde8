"""The graph page: picture data and accessible tables, a bad node explained, roles."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.lineage.conftest import _browser, run_event

pytestmark = pytest.mark.django_db


def test_graph_page_shows_the_nodes_as_picture_data_and_tables(ingest, auditor):
    event = run_event("build-features", [("warehouse", "loans"), ("bureau", "scores")],
                      [("lake", "features")])
    ingest(event)
    run_id = f"run:airflow:{event['run']['runId']}"
    page = _browser(auditor).get(reverse("lineage:graph"), {"node": run_id, "depth": 1})
    assert page.status_code == 200
    html = page.content.decode()
    data = json.loads(html.split('id="lineage-data" type="application/json">')[1].split(
        "</script>")[0])
    assert {n["id"] for n in data["nodes"]} == {
        run_id, "job:airflow:build-features", "dataset:warehouse:loans", "dataset:bureau:scores",
        "dataset:lake:features"}
    assert len(data["edges"]) == 4
    assert 'data-testid="lineage-node-table"' in html and "Consumed by" in html
    assert "lineage/graph.js" in html and "vendor/plotly/plotly.min.js" in html


def test_graph_page_explains_a_bad_node(auditor):
    page = _browser(auditor).get(reverse("lineage:graph"), {"node": "dataset:x:nothing"})
    assert page.status_code == 200 and "No such node" in page.content.decode()
    page = _browser(auditor).get(reverse("lineage:graph"), {"node": "nonsense"})
    assert "type:namespace:name" in page.content.decode()


def test_graph_page_needs_a_role(refused_user):
    assert _browser(refused_user).get(reverse("lineage:graph")).status_code == 403
