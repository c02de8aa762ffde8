"""Integrity: checksums on registration, re-hashing in chunks, findings, verification."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from inventory.choices import StorageMode
from inventory.services import versions
from lineage.models import IntegrityCheck, IntegrityFinding
from lineage.services.integrity import dataset_version_verify, held_artifacts_rehash
from tests.factories.catalogue import DatasetFactory, DatasetVersionFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db

CONTENT = b"id,income\n1,52000\n2,61000\n"


def held_dataset_version(name: str = "loans", content: bytes = CONTENT, **data):
    stored = default_storage.save(f"datasets/{name}.csv", ContentFile(content))
    dataset = DatasetFactory(name=name, storage_mode=StorageMode.HELD)
    return versions.dataset_version_register(
        dataset=dataset, actor=None, reason="test", data={"uri": f"custodia://{stored}", **data})


def tamper(version, content: bytes = b"id,income\n1,99999\n") -> None:
    name = version.uri.removeprefix("custodia://")
    with default_storage.open(name, "wb") as handle:
        handle.write(content)


def test_checksum_and_size_computed_on_registration(artifact_root):
    version = held_dataset_version()
    assert version.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert version.size == len(CONTENT)


def test_registration_refuses_a_checksum_that_is_not_the_files(artifact_root):
    with pytest.raises(ValidationError) as refused:
        held_dataset_version(sha256="0" * 64)
    assert "sha256" in refused.value.message_dict


def test_registration_refuses_a_missing_held_file(artifact_root):
    dataset = DatasetFactory(storage_mode=StorageMode.HELD)
    with pytest.raises(ValidationError) as refused:
        versions.dataset_version_register(dataset=dataset, actor=None, reason="t",
                                           data={"uri": "custodia://datasets/nowhere.csv"})
    assert "uri" in refused.value.message_dict


def test_tampering_is_a_finding_and_the_stored_checksum_stays(artifact_root):
    intact = held_dataset_version("intact")
    version = held_dataset_version("loans")
    recorded = version.sha256
    tamper(version)

    summary = held_artifacts_rehash(chunk_size=1)

    assert summary == {"checked": 2, "mismatches": 1, "missing": 0, "purged": 0}
    finding = IntegrityFinding.objects.get()
    assert (finding.kind, finding.dataset_version, finding.expected_sha256) == (
        "checksum_mismatch", version, recorded)
    assert finding.observed_sha256 == hashlib.sha256(b"id,income\n1,99999\n").hexdigest()
    version.refresh_from_db()
    assert version.sha256 == recorded  # never overwritten
    assert IntegrityCheck.objects.get(dataset_version=intact).last_ok is True
    assert finding.history.get().history_actor  # a governed record with its history

    held_artifacts_rehash()  # the next night: the same problem, still one open finding
    assert IntegrityFinding.objects.count() == 1


def test_model_artifacts_and_missing_files(artifact_root):
    stored = default_storage.save("models/m.bin", ContentFile(b"weights"))
    version = ModelVersionFactory(artifact_uri=f"custodia://{stored}",
                                  artifact_sha256=hashlib.sha256(b"weights").hexdigest())
    gone = held_dataset_version("gone")
    default_storage.delete(gone.uri.removeprefix("custodia://"))
    assert held_artifacts_rehash() == {"checked": 2, "mismatches": 0, "missing": 1, "purged": 0}
    assert IntegrityFinding.objects.get().kind == "missing_file"
    tamper_name = version.artifact_uri.removeprefix("custodia://")
    with default_storage.open(tamper_name, "wb") as handle:
        handle.write(b"poisoned weights")
    held_artifacts_rehash()
    assert IntegrityFinding.objects.get(model_version=version).kind == "checksum_mismatch"


def test_progress_is_reported_per_chunk(artifact_root):
    for index in range(3):
        held_dataset_version(f"d{index}", content=f"row {index}".encode())
    seen = []
    held_artifacts_rehash(chunk_size=1, progress=lambda percent, message: seen.append(percent))
    assert seen == [33, 66, 99]


def test_referenced_dataset_verified_on_demand_from_a_file_uri(tmp_path: Path):
    data = tmp_path / "export.csv"
    data.write_bytes(CONTENT)
    version = DatasetVersionFactory(uri=data.as_uri(), sha256=hashlib.sha256(CONTENT).hexdigest())
    result = dataset_version_verify(version=version, actor=None, reason="audit")
    assert result.matches is True and result.finding is None
    data.write_bytes(b"changed")
    result = dataset_version_verify(version=version, actor=None, reason="audit")
    assert result.matches is False and result.finding.dataset_version == version


def test_network_locations_are_not_fetched():
    version = DatasetVersionFactory(uri="https://example.org/data.csv")
    with pytest.raises(ValidationError):
        dataset_version_verify(version=version, actor=None, reason="audit")
