"""Held storage at the service: upload, checksum, copy-in, allowed roots, state and the
re-hash job reading the same storage."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.choices import AccessAction
from core.exceptions import ConflictError
from core.models import AccessEvent
from core.storage import UploadTooLarge, held_storage_name
from inventory.choices import ModelStage, StorageMode
from inventory.models import DatasetVersion, ModelVersion
from inventory.services import versions
from inventory.services.held import held_copy_in, held_copy_in_submit, held_file_store
from lineage.models import IntegrityFinding
from lineage.services.integrity import held_artifacts_rehash
from tests.factories.catalogue import DatasetFactory
from tests.inventory.held_support import (  # noqa: F401 (fixtures)
    LIMIT,
    held_dataset_version_fixture,
    held_fixture,
    model_version_fixture,
    owners_fixture,
)

pytestmark = pytest.mark.django_db

CONTENT = b"id,income\n1,52000\n2,61000\n" * 100
SHA = hashlib.sha256(CONTENT).hexdigest()


def chunks(content: bytes = CONTENT, size: int = 1000):
    for start in range(0, len(content), size):
        yield content[start:start + size]


def test_upload_stores_the_bytes_records_checksum_history_and_access(held, held_dataset_version,
                                                                       owners):
    version = held_file_store(target=held_dataset_version, actor=owners["alice"],
                              reason="First snapshot", chunks=chunks(), filename="loans.csv")
    version.refresh_from_db()
    assert (version.sha256, version.size) == (SHA, len(CONTENT))
    name = held_storage_name(version.uri)
    assert name.startswith(f"datasets/{version.dataset_id}/v1/") and name.endswith("loans.csv")
    assert (held.root / name).read_bytes() == CONTENT
    last = version.history.first()
    assert last.history_change_reason == "First snapshot" and last.history_user == owners["alice"]
    assert AccessEvent.objects.filter(action=AccessAction.UPLOAD, object_id=str(version.pk),
                                      user=owners["alice"]).exists()


def test_rehash_job_reads_the_held_storage(held, held_dataset_version, owners):
    version = held_file_store(target=held_dataset_version, actor=owners["alice"],
                              reason="Snapshot", chunks=chunks(), filename="loans.csv")
    assert held_artifacts_rehash()["checked"] == 1
    assert not IntegrityFinding.objects.exists()
    (held.root / held_storage_name(version.uri)).write_bytes(b"tampered")
    summary = held_artifacts_rehash()
    assert summary["mismatches"] == 1
    assert IntegrityFinding.objects.get().dataset_version == version


def test_over_the_limit_is_refused_and_leaves_nothing(held, held_dataset_version, owners):
    with pytest.raises(UploadTooLarge):
        held_file_store(target=held_dataset_version, actor=owners["alice"], reason="Big",
                        chunks=chunks(b"x" * (LIMIT + 1), 4096), filename="big.bin")
    assert held.stored_files() == []
    held_dataset_version.refresh_from_db()
    assert (held_dataset_version.uri, held_dataset_version.sha256) == ("", "")


def test_a_declared_checksum_that_is_not_the_files_keeps_nothing(held, held_dataset_version,
                                                                   owners):
    before = held_dataset_version.history.count()
    with pytest.raises(ValidationError) as refused:
        held_file_store(target=held_dataset_version, actor=owners["alice"], reason="Snapshot",
                        chunks=chunks(), filename="loans.csv", sha256="0" * 64)
    assert "sha256" in refused.value.message_dict
    assert held.stored_files() == []
    assert held_dataset_version.history.count() == before


@pytest.mark.parametrize(("field", "kwargs"), [
    ("sha256", {"sha256": "not-a-checksum"}),
    ("change_reason", {"reason": "  "}),
])
def test_bad_inputs_name_the_field_and_write_nothing(held, held_dataset_version, owners, field,
                                                     kwargs):
    arguments = {"target": held_dataset_version, "actor": owners["alice"], "reason": "Snapshot",
                 "chunks": chunks(), "filename": "loans.csv", **kwargs}
    with pytest.raises(ValidationError) as refused:
        held_file_store(**arguments)
    assert field in refused.value.message_dict
    assert held.stored_files() == []


def test_another_teams_user_may_not_upload(held, held_dataset_version, owners):
    with pytest.raises(PermissionDenied):
        held_file_store(target=held_dataset_version, actor=owners["bob"], reason="Mine now",
                        chunks=chunks(), filename="loans.csv")
    assert held.stored_files() == []


def test_held_bytes_are_never_replaced(held, held_dataset_version, owners):
    held_file_store(target=held_dataset_version, actor=owners["alice"], reason="Snapshot",
                    chunks=chunks(), filename="loans.csv")
    with pytest.raises(ConflictError):
        held_file_store(target=DatasetVersion.objects.get(pk=held_dataset_version.pk),
                        actor=owners["alice"], reason="Again", chunks=chunks(b"other"),
                        filename="other.csv")
    assert len(held.stored_files()) == 1


def test_a_production_version_is_frozen(held, model_version, owners):
    model_version.stage = ModelStage.PRODUCTION
    model_version.save()
    with pytest.raises(ConflictError):
        held_file_store(target=model_version, actor=owners["alice"], reason="Late weights",
                        chunks=chunks(b"weights"), filename="model.bin")
    assert held.stored_files() == []


def test_a_model_artefact_is_held_too(held, model_version, owners):
    stored = held_file_store(target=model_version, actor=owners["alice"], reason="Weights",
                             chunks=chunks(b"weights"), filename="model.bin")
    assert stored.artifact_sha256 == hashlib.sha256(b"weights").hexdigest()
    assert stored.artifact_size == 7 and stored.artifact_uri.startswith("custodia://models/")


def test_a_referenced_dataset_takes_no_upload(held, owners):
    dataset = DatasetFactory(team=owners["team"], storage_mode=StorageMode.REFERENCED)
    version = versions.dataset_version_register(dataset=dataset, actor=owners["alice"],
                                                reason="Snapshot", data={"uri": "s3://b/k"})
    with pytest.raises(ConflictError):
        held_file_store(target=version, actor=owners["alice"], reason="Copy",
                        chunks=chunks(), filename="loans.csv")


def test_a_held_dataset_refuses_an_external_location(held, owners):
    dataset = DatasetFactory(team=owners["team"], storage_mode=StorageMode.HELD)
    with pytest.raises(ValidationError) as refused:
        versions.dataset_version_register(dataset=dataset, actor=owners["alice"],
                                           reason="Snapshot", data={"uri": "s3://bucket/loans"})
    assert "uri" in refused.value.message_dict
    assert not DatasetVersion.objects.filter(dataset=dataset).exists()


# --------------------------------------------------------------------------------------
# Copy-in
# --------------------------------------------------------------------------------------
def test_copy_in_copies_and_hashes_with_progress(held, held_dataset_version, owners):
    source = held.source / "loans.csv"
    source.write_bytes(CONTENT)
    seen: list[int] = []
    result = held_copy_in(kind="dataset_version", pk=held_dataset_version.pk,
                          source=source.as_uri(), reason="Copied in", actor=owners["alice"],
                          progress=lambda percent, message: seen.append(percent))
    version = DatasetVersion.objects.get(pk=held_dataset_version.pk)
    assert (result["sha256"], version.sha256, version.size) == (SHA, SHA, len(CONTENT))
    assert (held.root / held_storage_name(version.uri)).read_bytes() == CONTENT
    assert seen and source.exists(), "the source is copied, not moved"
    again = held_copy_in(kind="dataset_version", pk=version.pk, source=source.as_uri(),
                         reason="Twice", actor=owners["alice"])
    assert again["skipped"] and len(held.stored_files()) == 1


@pytest.mark.parametrize("source", [
    "file:///etc/passwd",
    "s3://bucket/loans.csv",
    "https://example.org/loans.csv",
    "loans.csv",
])
def test_copy_in_refuses_sources_outside_the_allowed_roots(held, held_dataset_version, owners,
                                                           source):
    with pytest.raises(ValidationError) as refused:
        held_copy_in_submit(target=held_dataset_version, actor=owners["alice"], reason="Copy",
                            source=source)
    assert "source" in refused.value.message_dict


def test_copy_in_refuses_climbing_out_through_dot_dot_and_links(held, held_dataset_version,
                                                                 owners, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_bytes(b"secret")
    (held.source / "link.csv").symlink_to(outside)
    for source in (f"file://{held.source}/../secret.csv", (held.source / "link.csv").as_uri()):
        with pytest.raises(ValidationError):
            held_copy_in(kind="dataset_version", pk=held_dataset_version.pk, source=source,
                         reason="Copy", actor=owners["alice"])
    assert held.stored_files() == []


def test_copy_in_submit_queues_a_job_run(held, held_dataset_version, owners):
    source = held.source / "loans.csv"
    source.write_bytes(CONTENT)
    run = held_copy_in_submit(target=held_dataset_version, actor=owners["alice"],
                              reason="Copy", source=source.as_uri())
    assert run.name == "inventory.held_copy_in" and run.user == owners["alice"]
    assert run.parameters["pk"] == held_dataset_version.pk
    with pytest.raises(PermissionDenied):
        held_copy_in_submit(target=held_dataset_version, actor=owners["bob"], reason="Copy",
                            source=source.as_uri())


def test_model_version_stays_unchanged_when_refused(held, model_version, owners):
    with pytest.raises(PermissionDenied):
        held_file_store(target=model_version, actor=owners["bob"], reason="x",
                        chunks=chunks(b"w"), filename="m.bin")
    assert ModelVersion.objects.get(pk=model_version.pk).artifact_uri == ""
