"""Dashboard pages recording and correcting dataset versions: permissions, the service's
checks next to the fields, history, and frozen versions read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import ModelStage, Sensitivity
from inventory.models import DatasetVersion, ModelVersionDataset
from inventory.services import catalogue
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    ModelVersionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

GOOD = {"uri": "s3://data/credit/3", "sha256": "c" * 64, "size": "2048", "row_count": "120",
        "schema": '{"type": "object"}', "change_reason": "Monthly extract"}


def _login(client, user):
    client.force_login(user)
    return client


def _own_dataset(user):
    return catalogue.asset_create(model_class=DatasetFactory._meta.model, actor=user,
                                  reason="Registered", data={
                                      "name": "credit-applications-raw", "purpose": "Raw data.",
                                      "owner": user, "team": TeamFactory()})


def test_record_a_version_through_the_service_numbered_without_gaps(client, data_scientist):
    dataset = _own_dataset(data_scientist)
    DatasetVersionFactory(dataset=dataset)
    _login(client, data_scientist)
    url = reverse("inventory:datasetversion_add", args=[dataset.pk])
    assert url in client.get(dataset.get_absolute_url()).content.decode()

    response = client.post(url, GOOD)

    version = dataset.versions.get(version=2)
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    assert version.uri == "s3://data/credit/3" and version.row_count == 120
    record = version.history.get()
    assert record.history_user == data_scientist
    assert record.history_change_reason == "Monthly extract"


def test_recording_is_refused_without_permission_and_hidden_datasets_are_404(
        client, data_scientist, auditor, refused_user):
    dataset = DatasetFactory()  # registered by someone else: the data scientist may not change it
    secret = DatasetFactory(confidential=True, team=TeamFactory())
    url = reverse("inventory:datasetversion_add", args=[dataset.pk])

    assert _login(client, auditor).get(url).status_code == 403
    assert _login(client, refused_user).post(url, GOOD).status_code in (403, 404)
    assert _login(client, data_scientist).post(url, GOOD).status_code == 403
    assert client.get(reverse("inventory:datasetversion_add", args=[secret.pk])).status_code == 404
    assert not DatasetVersion.objects.exists()


def test_bad_input_shows_the_field_errors_and_writes_nothing(client, data_scientist):
    dataset = _own_dataset(data_scientist)
    _login(client, data_scientist)

    response = client.post(reverse("inventory:datasetversion_add", args=[dataset.pk]),
                           {**GOOD, "sha256": "not-a-checksum", "schema": '{"type": 12}'})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["sha256"] and form.errors["schema"]
    assert 'data-field-error="sha256"' in response.content.decode()
    assert not DatasetVersion.objects.exists()


def test_correcting_a_version_keeps_the_reason_in_history(client, model_owner, auditor):
    version = DatasetVersionFactory(row_count=10)
    url = reverse("inventory:datasetversion_edit", args=[version.pk])
    assert _login(client, auditor).get(url).status_code == 403
    _login(client, model_owner)
    assert url in client.get(version.dataset.get_absolute_url()).content.decode()

    response = client.post(url, {"uri": version.uri, "sha256": version.sha256, "size": "",
                                 "row_count": "12", "schema": "", "change_reason": "Recounted"})

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.row_count == 12
    assert version.history.first().history_change_reason == "Recounted"


def test_a_version_a_production_model_was_built_from_is_read_only(client, platform_admin):
    version = DatasetVersionFactory()
    model_version = ModelVersionFactory(stage=ModelStage.STAGING)
    ModelVersionDataset.objects.create(model_version=model_version, dataset_version=version,
                                       role="train", checksum_at_link=version.sha256)
    model_version.stage = ModelStage.PRODUCTION
    model_version.save()
    url = reverse("inventory:datasetversion_edit", args=[version.pk])
    _login(client, platform_admin)

    page = client.get(version.dataset.get_absolute_url()).content.decode()
    response = client.post(url, {"uri": "s3://elsewhere", "sha256": "d" * 64,
                                 "change_reason": "Moved"}, follow=True)

    assert url not in page and "Frozen" in page
    assert "frozen evidence" in response.content.decode()
    version.refresh_from_db()
    assert version.uri != "s3://elsewhere"


def test_the_location_of_a_sensitive_version_is_left_out_for_who_may_not_see_it(
        client, model_owner):
    version = DatasetVersionFactory(dataset=DatasetFactory(sensitivity=Sensitivity.PII),
                                    uri="s3://vault/pii/1")
    url = reverse("inventory:datasetversion_edit", args=[version.pk])
    _login(client, model_owner)

    response = client.get(url)

    assert "uri" not in response.context["form"].fields
    assert "s3://vault/pii/1" not in response.content.decode()
