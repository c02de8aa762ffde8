"""The graph page: picture data and accessible tables, a bad node explained, roles."""

from __future__ import annotations

import json

import pytest
from django.test import Client
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


# --------------------------------------------------------------------------------------
# Finding a node by name, and where the page opens
# --------------------------------------------------------------------------------------
SEARCH = reverse("lineage:node_search")


def _registered(dataset_name: str, model_name: str, **model_fields):
    """A model version trained on a dataset version, both with their graph nodes."""
    from lineage.choices import EdgeKind
    from lineage.services.graph import dataset_version_node, edges_ensure, model_version_node
    from tests.factories.catalogue import DatasetVersionFactory, MLModelFactory, ModelVersionFactory

    data = DatasetVersionFactory(dataset__name=dataset_name, uri=f"s3://vault/{dataset_name}")
    model = ModelVersionFactory(model=MLModelFactory(name=model_name, **model_fields))
    edges_ensure([(dataset_version_node(data), model_version_node(model), EdgeKind.TRAINED_ON)])
    return data, model


def test_search_finds_datasets_jobs_and_models_by_part_of_the_name(ingest, auditor):
    from core.choices import AccessAction
    from core.models import AccessEvent

    ingest(run_event("build-loan-features", [("warehouse", "public.loans_raw")],
                     [("lake", "features")]))
    _registered("loan-applications", "loan-default-xgb")
    page = _browser(auditor).get(SEARCH, {"q": "LOAN"})
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("build-loan-features", "public.loans_raw", "loan-applications v1",
                  "loan-default-xgb v1"):
        assert label in html
    assert html.count("<li") == 4 and "build-loan-features run" not in html, \
        "runs and non-matches are left out"
    assert "?node=job%3Aairflow%3Abuild-loan-features" in html
    event = AccessEvent.objects.get(action=AccessAction.SEARCH)
    assert (event.query, event.result_count) == ("lineage q=LOAN", 4)


def test_search_finds_only_what_the_user_may_see(data_scientist):
    from inventory.choices import Sensitivity

    _registered("claims-pii", "claims-secret-scorer", confidential=True)
    data, _ = _registered("salaries-pii", "salary-band-model")
    data.dataset.sensitivity = Sensitivity.PII
    data.dataset.save()
    html = _browser(data_scientist).get(SEARCH, {"q": "scorer"}).content.decode()
    assert "claims-secret-scorer" not in html
    html = _browser(data_scientist).get(SEARCH, {"q": "salar"}).content.decode()
    assert "salaries-pii v1" in html and "salary-band-model v1" in html
    assert "s3://vault" not in html, "a sensitive dataset's location stays hidden"
    # A record's node id is not its name: searching the id finds nothing.
    html = _browser(data_scientist).get(SEARCH, {"q": "dataset-versions"}).content.decode()
    assert 'data-testid="lineage-search-empty"' in html


def test_search_refuses_a_user_without_a_role(refused_user):
    assert _browser(refused_user).get(SEARCH, {"q": "loan"}).status_code == 403
    assert Client().get(SEARCH, {"q": "loan"}).status_code == 302  # to the login page


@pytest.mark.parametrize("query", ["", "a", " a "])
def test_search_asks_for_more_of_a_short_query(auditor, query):
    page = _browser(auditor).get(SEARCH, {"q": query})
    assert page.status_code == 200
    assert "Type at least 2 characters" in page.content.decode()
    assert "<li" not in page.content.decode()


def test_search_refuses_a_query_too_long(auditor):
    from core.models import AccessEvent

    page = _browser(auditor).get(SEARCH, {"q": "x" * 101})
    assert page.status_code == 400
    assert "at most 100 characters" in page.content.decode()
    page = _browser(auditor).get(reverse("lineage:graph"), {"q": "x" * 101})
    assert page.status_code == 200 and "at most 100 characters" in page.content.decode()
    assert not AccessEvent.objects.exists(), "nothing was searched"


def test_search_without_javascript_lists_the_matches_on_the_page(ingest, auditor):
    ingest(run_event("build-loan-features", [("warehouse", "loans")], [("lake", "features")]))
    html = _browser(auditor).get(reverse("lineage:graph"), {"q": "loan"}).content.decode()
    assert 'data-testid="lineage-search-results"' in html and "build-loan-features" in html
    assert "lineage-data" not in html


def test_search_queries_do_not_grow_with_the_matches(auditor):
    _registered("loan-a", "loan-model-a")
    client = _browser(auditor)
    client.get(SEARCH, {"q": "loan"})  # session and permission caches warm

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH, {"q": "loan"}).status_code == 200
        return len(queries)

    few = count()
    _registered("loan-b", "loan-model-b")
    _registered("loan-c", "loan-model-c")
    assert count() == few


def test_page_opens_on_the_latest_model_version_the_user_may_see(data_scientist):
    _, visible = _registered("loan-applications", "loan-default-xgb")
    _registered("claims-pii", "claims-secret-scorer", confidential=True)
    html = _browser(data_scientist).get(reverse("lineage:graph")).content.decode()
    assert 'data-testid="lineage-latest"' in html
    assert f"loan-default-xgb v{visible.version}" in html and "lineage-data" in html
    assert "claims-secret-scorer" not in html


def test_page_without_any_model_lists_recent_runs(ingest, auditor):
    ingest(run_event("build-features", [("warehouse", "loans")], [("lake", "features")]))
    html = _browser(auditor).get(reverse("lineage:graph")).content.decode()
    assert "Recent runs" in html and "build-features run" in html
    assert "lineage-data" not in html


def test_an_unknown_node_says_so_and_draws_no_graph(auditor):
    _registered("loan-applications", "loan-default-xgb")
    html = _browser(auditor).get(reverse("lineage:graph"),
                                 {"node": "model:custodia:model-versions/999"}).content.decode()
    assert "No such node in the lineage graph: “model:custodia:model-versions/999”" in html
    assert "lineage-data" not in html and 'data-testid="lineage-latest"' not in html
