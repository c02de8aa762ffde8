"""Held storage in the API: raw-body upload (201, 413, 415, 400, 403, 409) and copy-in (202)."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from core.models import JobRun
from inventory.models import DatasetVersion, ModelVersion
from tests.inventory.held_support import (  # noqa: F401 (fixtures)
    LIMIT,
    held_dataset_version_fixture,
    held_fixture,
    model_version_fixture,
    owners_fixture,
)

pytestmark = pytest.mark.django_db

CONTENT = b"id,income\n1,52000\n" * 50
SHA = hashlib.sha256(CONTENT).hexdigest()


def upload(client, version, body: bytes = CONTENT, kind: str = "datasetversion", **params):
    url = reverse(f"inventory-api:{kind}-upload", args=[version.pk])
    query = {"change_reason": "Snapshot", "filename": "loans.csv", **params}
    return client.post(url + "?" + "&".join(f"{k}={v}" for k, v in query.items()), data=body,
                       content_type="application/octet-stream")


def test_upload_stores_and_answers_the_checksum(api_client_for, owners, held,
                                                held_dataset_version):
    answer = upload(api_client_for(owners["alice"]), held_dataset_version, sha256=SHA)
    assert answer.status_code == 201, answer.content
    assert (answer.json()["sha256"], answer.json()["size"]) == (SHA, len(CONTENT))
    version = DatasetVersion.objects.get(pk=held_dataset_version.pk)
    assert version.sha256 == SHA and version.uri == answer.json()["uri"]
    assert [p.read_bytes() for p in held.stored_files()] == [CONTENT]
    assert held.temp_files() == []


def test_model_artefact_upload(api_client_for, owners, held, model_version):
    answer = upload(api_client_for(owners["alice"]), model_version, b"weights",
                    kind="modelversion", filename="model.bin")
    assert answer.status_code == 201, answer.content
    assert ModelVersion.objects.get(pk=model_version.pk).artifact_size == 7


def test_over_the_limit_is_413_and_leaves_no_file(api_client_for, owners, held,
                                                  held_dataset_version):
    client = api_client_for(owners["alice"])
    answer = upload(client, held_dataset_version, b"x" * (LIMIT + 1))
    assert answer.status_code == 413
    assert answer.json()["error"]["status"] == 413
    assert held.stored_files() == [] and held.temp_files() == []
    assert DatasetVersion.objects.get(pk=held_dataset_version.pk).uri == ""


def test_an_empty_body_is_400_and_keeps_nothing(api_client_for, owners, held,
                                                held_dataset_version):
    answer = upload(api_client_for(owners["alice"]), held_dataset_version, b"")
    assert answer.status_code == 400 and "file" in answer.json()["error"]["fields"]
    assert held.stored_files() == []


def test_a_checksum_mismatch_is_400_and_keeps_nothing(api_client_for, owners, held,
                                                      held_dataset_version):
    answer = upload(api_client_for(owners["alice"]), held_dataset_version, sha256="0" * 64)
    assert answer.status_code == 400
    assert "sha256" in answer.json()["error"]["fields"]
    assert held.stored_files() == []


@pytest.mark.parametrize(("params", "field"), [
    ({"sha256": "xyz"}, "sha256"),
    ({"change_reason": ""}, "change_reason"),
])
def test_bad_inputs_are_400_naming_the_field(api_client_for, owners, held, held_dataset_version,
                                             params, field):
    answer = upload(api_client_for(owners["alice"]), held_dataset_version, **params)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert held.stored_files() == []


def test_multipart_is_refused_with_415(api_client_for, owners, held, held_dataset_version):
    client = api_client_for(owners["alice"])
    url = reverse("inventory-api:datasetversion-upload", args=[held_dataset_version.pk])
    answer = client.post(url, {"file": b"abc"}, format="multipart")
    assert answer.status_code == 415
    assert held.stored_files() == [] and held.temp_files() == []


def test_another_teams_user_is_refused(api_client_for, owners, held, held_dataset_version,
                                      refused_user):
    assert upload(api_client_for(owners["bob"]), held_dataset_version).status_code == 403
    assert upload(api_client_for(refused_user), held_dataset_version).status_code in (403, 404)
    assert held.stored_files() == []
    assert DatasetVersion.objects.get(pk=held_dataset_version.pk).uri == ""


def test_second_upload_is_409(api_client_for, owners, held, held_dataset_version):
    client = api_client_for(owners["alice"])
    assert upload(client, held_dataset_version).status_code == 201
    assert upload(client, held_dataset_version, b"other").status_code == 409
    assert len(held.stored_files()) == 1


def test_copy_in_is_queued_with_a_job_run(api_client_for, owners, held, held_dataset_version):
    source = held.source / "loans.csv"
    source.write_bytes(CONTENT)
    client = api_client_for(owners["alice"])
    url = reverse("inventory-api:datasetversion-copy-in", args=[held_dataset_version.pk])
    answer = client.post(url, {"source": source.as_uri(), "change_reason": "Copy in"},
                         format="json")
    assert answer.status_code == 202, answer.content
    run = JobRun.objects.get(pk=answer.json()["jobRunId"])
    assert run.name == "inventory.held_copy_in"
    outside = client.post(url, {"source": "file:///etc/hostname", "change_reason": "Copy"},
                          format="json")
    assert outside.status_code == 400 and "source" in outside.json()["error"]["fields"]
    missing = client.post(url, {"source": source.as_uri()}, format="json")
    assert missing.status_code == 400 and "change_reason" in missing.json()["error"]["fields"]
    bob = api_client_for(owners["bob"]).post(url, {"source": source.as_uri(),
                                                   "change_reason": "x"}, format="json")
    assert bob.status_code == 403
    assert JobRun.objects.filter(name="inventory.held_copy_in").count() == 1
