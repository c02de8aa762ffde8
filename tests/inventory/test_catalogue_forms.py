"""Dashboard add, edit and delete pages of datasets, features and pipelines: permissions,
confidentiality, the registration rules next to their fields, writes through the catalogue
services with history, and the action buttons of lists and details."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.choices import Sensitivity
from inventory.models import Dataset, Feature, Pipeline
from inventory.services import catalogue
from tests.factories import UserFactory
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    FeatureFactory,
    PipelineFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {"dataset": DatasetFactory, "feature": FeatureFactory, "pipeline": PipelineFactory}
MODELS = {"dataset": Dataset, "feature": Feature, "pipeline": Pipeline}
_GOOD = {
    "dataset": {"name": "credit-applications-raw", "purpose": "Credit applications as received.",
                "domain": "credit", "sensitivity": Sensitivity.INTERNAL,
                "storage_mode": "referenced", "access_frequency": "monthly",
                "residency_region": "eu-west-1", "tags": "credit, raw",
                "change_reason": "Catalogued the source data"},
    "feature": {"name": "credit-debt-ratio", "purpose": "Debt to income ratio.",
                "domain": "credit", "data_type": "float", "tags": "",
                "change_reason": "Catalogued the feature"},
    "pipeline": {"name": "credit-scoring-training", "purpose": "Trains the scoring models.",
                 "domain": "credit", "repository_url": "https://git.example.org/credit/scoring",
                 "orchestrator": "airflow", "tags": "", "change_reason": "Catalogued the pipeline"},
}


def _good(kind: str) -> dict:
    """A complete registration of `kind` as its dashboard form posts it."""
    owner = UserFactory(username=f"owner-{kind}")
    return {**_GOOD[kind], "owner": owner.pk, "team": TeamFactory().pk}


def _login(client, user):
    client.force_login(user)
    return client


def _edit_data(client, url: str, **changes) -> dict:
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields
            if form[name].value() is not None and not form.fields[name].disabled}
    data.setdefault("compliance_tags", [])
    data.update(changes)
    return data


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_add_page_renders_for_a_data_scientist_and_refuses_an_auditor(
        client, data_scientist, auditor, refused_user, kind):
    url = reverse(f"inventory:{kind}_add")

    assert _login(client, data_scientist).get(url).status_code == 200
    assert _login(client, auditor).get(url).status_code == 403
    assert _login(client, refused_user).get(url).status_code == 403
    assert _login(client, auditor).post(url, _good(kind)).status_code == 403
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_add_page_registers_through_the_service_with_history(client, data_scientist, kind):
    _login(client, data_scientist)
    data = _good(kind)

    response = client.post(reverse(f"inventory:{kind}_add"), data)

    obj = MODELS[kind].objects.get(name=data["name"])
    assert response.status_code == 302 and response["Location"] == obj.get_absolute_url()
    record = obj.history.get()
    assert record.history_user == data_scientist
    assert record.history_change_reason == data["change_reason"]
    # The author may change and delete what they registered (object grants of the service).
    detail = client.get(obj.get_absolute_url()).content.decode()
    assert reverse(f"inventory:{kind}_edit", args=[obj.pk]) in detail
    assert reverse(f"inventory:{kind}_delete", args=[obj.pk]) in detail


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_add_page_shows_the_rules_next_to_the_fields_and_writes_nothing(
        client, data_scientist, kind):
    from inventory.services.standards import registration_problems

    _login(client, data_scientist)
    data = {**_good(kind), "name": "Not A Valid Name", "description": "Typed and kept"}

    response = client.post(reverse(f"inventory:{kind}_add"), data)

    assert response.status_code == 200
    form = response.context["form"]
    expected = registration_problems(asset_type=kind, data={"name": "Not A Valid Name",
                                                            "domain": "credit"},
                                     model_validation=False)
    assert form.errors["name"] == expected["name"]
    html = response.content.decode()
    assert 'data-field-error="name"' in html and "Typed and kept" in html
    assert "Nothing was saved" in html
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_edit_page_changes_through_the_service_and_keeps_before_and_after(
        client, data_scientist, model_owner, auditor, kind):
    obj = catalogue.asset_create(model_class=MODELS[kind], actor=data_scientist,
                                 reason="Registered", data={**{k: v for k, v in _good(kind).items()
                                                               if k != "change_reason"},
                                                            "tags": []})
    url = reverse(f"inventory:{kind}_edit", args=[obj.pk])
    assert _login(client, auditor).get(url).status_code == 403
    _login(client, model_owner)
    data = _edit_data(client, url, purpose="Clarified purpose.", change_reason="Annual review")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    newest = client.get(obj.get_absolute_url()).context["history"][0]
    assert newest.reason == "Annual review"
    change = next(c for c in newest.changes if c.field == "purpose")
    assert change.after == "Clarified purpose."
    assert MODELS[kind].objects.get(pk=obj.pk).history.first().history_user == model_owner


def test_edit_refuses_bad_input_and_writes_nothing(client, model_owner):
    dataset = DatasetFactory(name="credit-applications-raw")
    url = reverse("inventory:dataset_edit", args=[dataset.pk])
    _login(client, model_owner)
    rows = dataset.history.count()

    response = client.post(url, _edit_data(client, url, name="Bad Name", sensitivity="secretish"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name", "sensitivity"}
    dataset.refresh_from_db()
    assert dataset.name == "credit-applications-raw" and dataset.history.count() == rows


def test_another_teams_confidential_dataset_is_hidden_and_invisible_is_404(
        client, model_owner):
    secret = DatasetFactory(confidential=True, team=TeamFactory())
    _login(client, model_owner)

    assert client.get(reverse("inventory:dataset_edit", args=[secret.pk])).status_code == 404
    assert client.get(reverse("inventory:dataset_edit", args=[999999])).status_code == 404
    form = client.get(reverse("inventory:feature_add")).context["form"]
    assert secret not in form.fields["dataset"].queryset


def test_sensitive_datasheet_fields_are_left_out_for_who_may_not_see_them(
        client, model_owner):
    dataset = DatasetFactory(sensitivity=Sensitivity.PII,
                             known_biases="Under-represents young applicants")
    url = reverse("inventory:dataset_edit", args=[dataset.pk])
    _login(client, model_owner)

    response = client.get(url)
    assert "known_biases" not in response.context["form"].fields
    assert "Under-represents young applicants" not in response.content.decode()
    client.post(url, _edit_data(client, url, purpose="Changed.", change_reason="Edit"))
    dataset.refresh_from_db()
    assert dataset.purpose == "Changed."
    assert dataset.known_biases == "Under-represents young applicants"


def test_delete_goes_through_the_service_which_refuses_a_dataset_with_versions(
        client, platform_admin, data_scientist):
    kept = DatasetVersionFactory().dataset
    gone = DatasetFactory()
    _login(client, data_scientist)
    assert client.get(reverse("inventory:dataset_delete", args=[gone.pk])).status_code == 403
    _login(client, platform_admin)

    assert reverse("inventory:dataset_delete", args=[kept.pk]) not in client.get(
        kept.get_absolute_url()).content.decode()
    refused = client.post(reverse("inventory:dataset_delete", args=[kept.pk]),
                          {"reason": "Clean-up"})
    done = client.post(reverse("inventory:dataset_delete", args=[gone.pk]),
                       {"reason": "Registered twice"})

    assert refused.status_code == 200 and "cannot be deleted" in refused.content.decode()
    assert Dataset.objects.filter(pk=kept.pk).exists()
    assert done.status_code == 302 and not Dataset.objects.filter(pk=gone.pk).exists()
    assert Dataset.history.filter(id=gone.pk, history_type="-").get().history_change_reason == \
        "Registered twice"


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_list_and_detail_offer_add_and_edit_only_to_who_may(client, model_owner, auditor, kind):
    obj = FACTORIES[kind]()
    add_url = reverse(f"inventory:{kind}_add")
    edit_url = reverse(f"inventory:{kind}_edit", args=[obj.pk])

    owner_list = _login(client, model_owner).get(reverse(f"inventory:{kind}_list"))
    owner_detail = client.get(obj.get_absolute_url()).content.decode()
    auditor_list = _login(client, auditor).get(reverse(f"inventory:{kind}_list"))
    auditor_detail = client.get(obj.get_absolute_url()).content.decode()

    assert add_url in owner_list.content.decode() and edit_url in owner_detail
    assert add_url not in auditor_list.content.decode() and edit_url not in auditor_detail


def test_dataset_detail_runs_a_constant_number_of_queries(client, model_owner):
    dataset = DatasetFactory()
    _login(client, model_owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(dataset.get_absolute_url()).status_code == 200
        return len(queries)

    DatasetVersionFactory(dataset=dataset)
    few = count()
    for _ in range(6):
        DatasetVersionFactory(dataset=dataset)
    assert count() == few
