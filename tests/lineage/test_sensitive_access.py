"""A user without rights to a PII dataset sees neither its location
nor its datasheet, by any path (API, CSV, dashboards, admin, history, lineage graph), and
every access to it is an access event."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.models import AccessEvent
from inventory.choices import Sensitivity
from inventory.services import catalogue, versions
from lineage.choices import NodeType
from lineage.models import LineageNode
from tests.factories.catalogue import DatasetFactory, ModelVersionFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db

LOCATION = "s3://secret-claims-bucket/pii/v1"
DATASHEET = "Collected from call-centre recordings"


@pytest.fixture
def pii_version():
    dataset = DatasetFactory(name="insurance-claims-pii", sensitivity=Sensitivity.PII,
                             collection_method=DATASHEET, consent_basis="Art. 6(1)(b) contract",
                             known_biases="Over-represents urban callers",
                             prohibited_uses="Marketing")
    version = versions.dataset_version_register(dataset=dataset, actor=None, reason="t",
                                                 data={"uri": LOCATION, "sha256": "d" * 64})
    # A later datasheet change, so the history has a diff to show (or hide).
    catalogue.asset_update(asset=dataset, actor=None, reason="Datasheet reviewed",
                           data={"limitations": f"{DATASHEET}, 2024 only"})
    return version


def _paths(version) -> list[tuple[str, str, dict]]:
    """(kind, url, params) of every door that could show the dataset or its version."""
    dataset = version.dataset
    node = f"dataset:custodia:dataset-versions/{version.pk}"
    trained = version.model_version_links.get().model_version_id
    return [
        ("api", reverse("lineage-api:reproducibility", args=[trained]), {}),
        ("page", reverse("lineage:reproducibility", args=[trained]), {}),
        ("api", reverse("inventory-api:dataset-list"), {}),
        ("api", reverse("inventory-api:dataset-detail", args=[dataset.pk]), {}),
        ("api", reverse("inventory-api:dataset-list"), {"format": "csv"}),
        ("api", reverse("inventory-api:datasetversion-list"), {}),
        ("api", reverse("inventory-api:datasetversion-detail", args=[version.pk]), {}),
        ("api", reverse("lineage-api:lineage"), {"nodeId": node, "depth": 2}),
        ("page", reverse("inventory:dataset_list"), {}),
        ("page", reverse("inventory:dataset_list"), {"format": "csv"}),
        ("page", reverse("inventory:dataset_detail", args=[dataset.pk]), {}),
        ("page", reverse("admin:inventory_dataset_change", args=[dataset.pk]), {}),
        ("page", reverse("admin:inventory_dataset_history", args=[dataset.pk]), {}),
        ("page", reverse("admin:inventory_datasetversion_changelist"), {}),
        ("page", reverse("admin:inventory_datasetversion_change", args=[version.pk]), {}),
        ("page", reverse("admin:inventory_datasetversion_history", args=[version.pk]), {}),
    ]


def _bodies(user, version, api_client_for) -> dict[str, str]:
    api, browser = api_client_for(user), Client()
    browser.force_login(user)
    seen = {}
    for kind, url, params in _paths(version):
        answer = (api if kind == "api" else browser).get(url, params)
        assert answer.status_code == 200, (url, params, answer.status_code)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        seen[f"{url}?{params}"] = body.decode()
    return seen


def _link_into_graph(version) -> None:
    from inventory.services.versions import model_version_datasets_link
    from lineage.services.ingestion import openlineage_event_ingest

    model = ModelVersionFactory()
    model_version_datasets_link(version=model, actor=None, reason="t",
                                links=[{"dataset_version": version, "role": "train"}])
    openlineage_event_ingest(payload=run_event(
        "train", [("custodia", f"dataset-versions/{version.pk}")],
        [("custodia", f"model-versions/{model.pk}")]), actor=None)


def test_without_the_permission_neither_location_nor_datasheet_by_any_path(
        pii_version, data_scientist, api_client_for):
    _link_into_graph(pii_version)
    for where, body in _bodies(data_scientist, pii_version, api_client_for).items():
        assert "insurance-claims-pii" in body or "csv" in where or "lineage" in where, where
        assert "checksum" in body.lower() or "reproducib" not in where, where
        assert "secret-claims-bucket" not in body, where
        assert DATASHEET not in body, where
        assert "Over-represents urban callers" not in body, where
    graph_node = LineageNode.objects.get(node_type=NodeType.DATASET,
                                         dataset_version=pii_version)
    assert graph_node.node_id not in LOCATION


def test_an_object_grant_shows_them_and_every_read_is_an_access_event(
        pii_version, data_scientist, api_client_for):
    _link_into_graph(pii_version)
    assign_perm("inventory.view_sensitive_dataset", data_scientist, pii_version.dataset)
    bodies = _bodies(data_scientist, pii_version, api_client_for)
    detail = reverse("inventory-api:dataset-detail", args=[pii_version.dataset.pk])
    assert DATASHEET in bodies[f"{detail}?{{}}"]
    version_detail = reverse("inventory-api:datasetversion-detail", args=[pii_version.pk])
    assert LOCATION in bodies[f"{version_detail}?{{}}"]
    page = reverse("inventory:dataset_detail", args=[pii_version.dataset.pk])
    assert LOCATION in bodies[f"{page}?{{}}"] and DATASHEET in bodies[f"{page}?{{}}"]
    graph = next(b for w, b in bodies.items() if "lineage" in w)
    assert LOCATION in graph
    viewed = AccessEvent.objects.filter(action="view", user=data_scientist)
    assert viewed.filter(object_id=str(pii_version.dataset.pk),
                         content_type__model="dataset").count() == 3  # API, page, admin
    assert viewed.filter(object_id=str(pii_version.pk),
                         content_type__model="datasetversion").count() == 5
    # API, graph, admin, reproducibility API and page


def test_the_location_filter_does_not_reveal_a_hidden_location(pii_version, data_scientist,
                                                               api_client_for):
    url = reverse("inventory-api:datasetversion-list")
    answer = api_client_for(data_scientist).get(url, {"uri": "secret-claims"})
    assert answer.json()["count"] == 0


@pytest.mark.parametrize(("size", "sensitivity", "frequency", "mode"), [
    (None, "pii", "rare", "referenced"),
    (60 * 1024**3, "pii", "rare", "referenced"),
    (10 * 1024**2, "pii", "continuous", "held"),
    (5 * 1024**3, "internal", "daily", "referenced"),
    (5 * 1024**3, "internal", "rare", "held"),
    (10 * 1024**2, "public", "monthly", "referenced"),
])
def test_storage_mode_recommendation(size, sensitivity, frequency, mode):
    from inventory.models import storage_mode_recommendation

    recommended, reason = storage_mode_recommendation(size=size, sensitivity=sensitivity,
                                                      access_frequency=frequency)
    assert recommended == mode and reason


def test_storage_recommendation_in_the_api(pii_version, platform_admin, api_client_for):
    client = api_client_for(platform_admin)
    listed = client.get(reverse("inventory-api:dataset-list")).json()["results"][0]
    detail = client.get(reverse("inventory-api:dataset-detail",
                                args=[pii_version.dataset.pk])).json()
    # No size recorded on the version: the recommendation says what is missing.
    assert listed["storage_recommendation"] == detail["storage_recommendation"]
    assert detail["storage_recommendation"]["storage_mode"] == "referenced"


def test_storage_recommendation_on_the_dataset_page(auditor):
    from inventory.services import versions

    dataset = DatasetFactory(name="credit-bureau-archive", sensitivity=Sensitivity.INTERNAL,
                             access_frequency="rare")
    versions.dataset_version_register(dataset=dataset, actor=None, reason="t",
                                      data={"uri": "s3://b/x", "size": 1024})
    client = Client()
    client.force_login(auditor)
    html = client.get(reverse("inventory:dataset_detail", args=[dataset.pk])).content.decode()
    assert "Storage recommendation" in html and "Rarely read" in html
