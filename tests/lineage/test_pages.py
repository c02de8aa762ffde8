"""Lineage dashboards: the graph page (picture data and accessible tables), findings list
with a constant query count, the reproducibility page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm

from inventory.services.versions import model_version_datasets_link
from lineage.models import IntegrityFinding
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.factories.lineage import IntegrityFindingFactory
from tests.factories.users import UserFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def test_reproducibility_page_flags_changes(platform_admin):
    data = DatasetVersionFactory(sha256="1" * 64)
    version = ModelVersionFactory(training_environment="")
    model_version_datasets_link(version=version, actor=None, reason="t",
                                links=[{"dataset_version": data, "role": "train"}])
    page = _browser(platform_admin).get(reverse("lineage:reproducibility", args=[version.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Not reproducible as recorded" in html and "No training environment" in html
    assert "Unchanged" in html


def test_findings_list_constant_queries_with_object_grants_only():
    reader = UserFactory(username="grantee")
    client = _browser(reader)

    def grant(count: int) -> None:
        for finding in IntegrityFindingFactory.create_batch(count):
            assign_perm("lineage.view_integrityfinding", reader, finding)

    grant(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("lineage:finding_list")).status_code == 200
    grant(6)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("lineage:finding_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert all(str(finding.subject) in html for finding in IntegrityFinding.objects.all())
    assert len(large.captured_queries) == len(small.captured_queries) <= 14
    assert IntegrityFinding.objects.count() == 9


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


def test_findings_api_refuses_ids_out_of_range(platform_admin, api_client_for):
    client = api_client_for(platform_admin)
    url = reverse("lineage-api:integrityfinding-list")
    for value in ("-1", str(2**70), "1.5", "x"):
        answer = client.get(url, {"dataset_version": value})
        assert answer.status_code == 400, value
        assert "dataset_version" in answer.json()["error"]["fields"]
    assert client.get(url, {"model_version": "7"}).status_code == 200
