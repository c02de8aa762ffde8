"""Held storage pages: the upload form streams into storage, the size limit answers 413 with
nothing kept, the copy-in form queues the job; other teams are refused."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
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


def page(version) -> str:
    return reverse("inventory:datasetversion_held", args=[version.pk])


def post_upload(client, url: str, content: bytes = CONTENT, **fields):
    data = {"change_reason": "Snapshot", "sha256": "", **fields,
            "file": SimpleUploadedFile("loans.csv", content)}
    return client.post(url + "?upload=1", data)


def test_page_shows_both_forms_and_the_upload_stores_the_file(client, owners, held,
                                                               held_dataset_version):
    client.force_login(owners["alice"])
    shown = client.get(page(held_dataset_version))
    assert shown.status_code == 200
    assert b'data-testid="upload-form"' in shown.content
    assert b'data-testid="copy-in-form"' in shown.content
    answer = post_upload(client, page(held_dataset_version), sha256=SHA)
    assert answer.status_code == 302, answer.content
    version = DatasetVersion.objects.get(pk=held_dataset_version.pk)
    assert (version.sha256, version.size) == (SHA, len(CONTENT))
    assert [p.read_bytes() for p in held.stored_files()] == [CONTENT]
    assert held.temp_files() == []
    assert SHA.encode() in client.get(page(version)).content


def test_model_version_page(client, owners, held, model_version):
    client.force_login(owners["alice"])
    url = reverse("inventory:modelversion_held", args=[model_version.pk])
    assert post_upload(client, url, b"weights").status_code == 302
    assert ModelVersion.objects.get(pk=model_version.pk).artifact_size == 7


def test_over_the_limit_is_413_and_leaves_no_file(client, owners, held, held_dataset_version):
    client.force_login(owners["alice"])
    answer = post_upload(client, page(held_dataset_version), b"x" * (LIMIT + 1))
    assert answer.status_code == 413
    assert b"nothing was kept" in answer.content
    assert held.stored_files() == [] and held.temp_files() == []
    assert DatasetVersion.objects.get(pk=held_dataset_version.pk).uri == ""


def test_a_checksum_mismatch_is_a_field_error_and_keeps_nothing(client, owners, held,
                                                                held_dataset_version):
    client.force_login(owners["alice"])
    answer = post_upload(client, page(held_dataset_version), sha256="0" * 64)
    assert answer.status_code == 200
    assert b'data-testid="field-error"' in answer.content
    assert held.stored_files() == []


def test_a_missing_reason_or_file_writes_nothing(client, owners, held, held_dataset_version):
    client.force_login(owners["alice"])
    no_reason = post_upload(client, page(held_dataset_version), change_reason="")
    assert no_reason.status_code == 200 and b'data-testid="field-error"' in no_reason.content
    no_file = client.post(page(held_dataset_version) + "?upload=1", {"change_reason": "x"})
    assert b"Choose a file" in no_file.content
    assert held.stored_files() == []


def test_another_teams_user_is_refused_before_any_byte(client, owners, held,
                                                       held_dataset_version):
    client.force_login(owners["bob"])
    assert post_upload(client, page(held_dataset_version)).status_code == 403
    assert held.stored_files() == []


def test_a_forged_form_without_the_csrf_token_keeps_nothing(owners, held, held_dataset_version):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owners["alice"])
    assert post_upload(client, page(held_dataset_version)).status_code == 403
    assert held.stored_files() == [] and held.temp_files() == []


def test_copy_in_form_queues_the_job_or_names_the_bad_source(client, owners, held,
                                                             held_dataset_version):
    client.force_login(owners["alice"])
    source = held.source / "loans.csv"
    source.write_bytes(CONTENT)
    url = page(held_dataset_version) + "?copy-in=1"
    refused = client.post(url, {"source": "file:///etc/hostname", "change_reason": "Copy"})
    assert refused.status_code == 200 and b"not under a folder allowed" in refused.content
    answer = client.post(url, {"source": source.as_uri(), "change_reason": "Copy"})
    run = JobRun.objects.get(name="inventory.held_copy_in")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("core:jobrun_detail", args=[run.pk])


def test_dataset_page_links_to_the_held_file(client, owners, held, held_dataset_version):
    client.force_login(owners["alice"])
    detail = client.get(held_dataset_version.dataset.get_absolute_url())
    assert page(held_dataset_version).encode() in detail.content
