"""Model cards: generated from the inventory, each section marked complete or missing, as a
page linked from the version, a PDF and Markdown; downloads are access events; versions the
reader may not see are 404."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessEvent
from inventory.choices import Sensitivity
from inventory.models import ModelVersionDataset
from inventory.selectors.modelcards import model_card, model_card_versions
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented_version():
    model = MLModelFactory(
        name="credit-default-xgb", purpose="Scores consumer credit applications.",
        permitted_uses="Pre-screening only", out_of_scope_uses="Employment decisions.",
        factors="Age band, region, application channel.",
        ethical_considerations="Uses income; reviewed for disparate impact.",
        caveats="Not calibrated for business loans.", licence="Apache-2.0")
    version = ModelVersionFactory(model=model, evaluation_metrics={"auc": 0.82, "f1": 0.64})
    train = DatasetVersionFactory(dataset=DatasetFactory(
        name="applications-2025", known_biases="Few applicants under 21."), row_count=120000)
    test = DatasetVersionFactory(dataset=DatasetFactory(name="applications-holdout"))
    for dataset_version, role in ((train, "train"), (test, "test")):
        ModelVersionDataset(model_version=version, dataset_version=dataset_version, role=role,
                            checksum_at_link=dataset_version.sha256).save()
    return version


@pytest.fixture
def bare_version():
    model = MLModelFactory(name="churn-bare", purpose="", out_of_scope_uses="")
    return ModelVersionFactory(model=model, evaluation_metrics={})


def card_of(version, user=None):
    return model_card(model_card_versions().get(pk=version.pk), user=user)


def test_a_documented_version_has_every_section_complete(documented_version):
    card = card_of(documented_version)
    assert [s.key for s in card.sections] == [
        "intended_use", "out_of_scope_uses", "factors", "metrics", "evaluation_data",
        "training_data", "ethical_considerations", "caveats"]
    assert card.missing == []
    assert card.section("metrics").metrics == [("auc", 0.82), ("f1", 0.64)]
    assert [d.name for d in card.section("training_data").datasets] == ["applications-2025"]
    assert [d.name for d in card.section("evaluation_data").datasets] == ["applications-holdout"]
    assert "Pre-screening only" in card.section("intended_use").text


def test_what_the_inventory_lacks_is_marked_missing(bare_version):
    card = card_of(bare_version)
    assert [s.key for s in card.missing] == [
        "intended_use", "out_of_scope_uses", "factors", "metrics", "evaluation_data",
        "training_data", "ethical_considerations", "caveats"]
    assert card.complete_count == 0


def test_a_sensitive_datasets_biases_stay_hidden_from_who_may_not_read_its_datasheet(
        documented_version, data_scientist):
    dataset = documented_version.dataset_links.get(role="train").dataset_version.dataset
    dataset.sensitivity = Sensitivity.PII
    dataset.save()
    assert card_of(documented_version, user=data_scientist)\
        .section("training_data").datasets[0].known_biases == ""
    assert card_of(documented_version).section("training_data").datasets[0].known_biases


def test_the_card_page_is_linked_from_the_version_and_shows_complete_and_missing(
        client, data_scientist, documented_version, bare_version):
    client.force_login(data_scientist)
    model_page = client.get(documented_version.model.get_absolute_url()).content.decode()
    card_url = reverse("inventory:modelversion_card", args=[documented_version.pk])
    assert card_url in model_page
    page = client.get(card_url).content.decode()
    assert "8 of 8 sections complete" in page
    assert "Employment decisions." in page and "applications-2025" in page
    bare = client.get(reverse("inventory:modelversion_card", args=[bare_version.pk]))
    assert "0 of 8 sections complete" in bare.content.decode()
    assert bare.content.decode().count('data-complete="false"') == 8


def test_the_pdf_holds_the_sections_and_is_an_access_event(client, auditor, documented_version):
    from pypdf import PdfReader

    client.force_login(auditor)
    response = client.get(reverse("inventory:modelversion_card_pdf", args=[documented_version.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Out-of-scope uses — complete" in text and "Employment decisions." in text
    event = AccessEvent.objects.get(user=auditor)
    assert (event.action, event.object_id) == (AccessAction.DOWNLOAD, str(documented_version.pk))


def test_the_markdown_marks_each_section_and_is_an_access_event(client, auditor, bare_version):
    client.force_login(auditor)
    response = client.get(reverse("inventory:modelversion_card_markdown", args=[bare_version.pk]))
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith("# Model card: churn-bare v1")
    assert "## Intended use (missing)" in text and "## Caveats and recommendations (missing)" in text
    assert AccessEvent.objects.filter(user=auditor, action=AccessAction.DOWNLOAD).count() == 1


@pytest.mark.parametrize("route", ["inventory:modelversion_card", "inventory:modelversion_card_pdf",
                                   "inventory:modelversion_card_markdown"])
def test_a_version_the_reader_may_not_see_is_404_and_leaves_no_event(
        client, refused_user, data_scientist, route):
    hidden = ModelVersionFactory(model=MLModelFactory(confidential=True))
    for user in (refused_user, data_scientist):
        client.force_login(user)
        assert client.get(reverse(route, args=[hidden.pk])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_anonymous_readers_are_sent_to_sign_in(client, documented_version):
    response = client.get(reverse("inventory:modelversion_card", args=[documented_version.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_card_page_needs_a_constant_number_of_queries(
        client, data_scientist, documented_version, django_assert_max_num_queries):
    client.force_login(data_scientist)
    url = reverse("inventory:modelversion_card", args=[documented_version.pk])
    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_api_gives_the_card_with_its_missing_sections(api_client_for, auditor, bare_version,
                                                           documented_version):
    client = api_client_for(auditor)
    bare = client.get(f"/api/v1/model-versions/{bare_version.pk}/model-card/").json()
    assert bare["complete"] is False and bare["complete_sections"] == 0
    assert bare["missing_sections"][:2] == ["intended_use", "out_of_scope_uses"]
    full = client.get(f"/api/v1/model-versions/{documented_version.pk}/model-card/").json()
    assert full["complete"] is True and full["missing_sections"] == []
    metrics = next(s for s in full["sections"] if s["key"] == "metrics")["metrics"]
    assert metrics == [{"name": "auc", "value": 0.82}, {"name": "f1", "value": 0.64}]
    training = next(s for s in full["sections"] if s["key"] == "training_data")["datasets"]
    assert training[0]["name"] == "applications-2025" and "uri" not in training[0]


def test_the_card_api_refuses_who_may_not_see_the_version(api_client, api_client_for,
                                                          refused_user, data_scientist):
    hidden = ModelVersionFactory(model=MLModelFactory(confidential=True))
    url = f"/api/v1/model-versions/{hidden.pk}/model-card/"
    assert api_client.get(url).status_code == 401
    assert api_client_for(refused_user).get(url).status_code == 403
    assert api_client_for(data_scientist).get(url).status_code == 404
