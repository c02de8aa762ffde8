"""Integrity of held data: checksums on registration, scheduled re-hashing, verification.

Held bytes live in the `held` storage of `settings.STORAGES` (`core.storage`: a folder under
CUSTODIA_ARTIFACT_ROOT, or object storage in production) and are named by
`custodia://<storage name>` URIs. A stored checksum is evidence: the job compares against
it and raises an `IntegrityFinding` on a mismatch, it never overwrites it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.audit import audit_context
from core.models import JobRun
from core.storage import HELD_SCHEME, held_storage, held_storage_name
from inventory.choices import StorageMode
from inventory.models import DatasetVersion, ModelVersion, PurgeRecord
from lineage.choices import FindingKind, FindingStatus
from lineage.models import IntegrityCheck, IntegrityFinding

__all__ = [
    "HELD_SCHEME",
    "VerifyResult",
    "dataset_version_checksum_fill",
    "dataset_version_verify",
    "held_artifacts_rehash",
    "held_storage_name",
    "integrity_checks_ensure",
    "storage_sha256",
]

CHUNK_BYTES = 1024 * 1024


def storage_sha256(name: str) -> tuple[str, int]:
    """SHA-256 and size of a held file, read in 1 MiB blocks (never whole into memory)."""
    digest, size = hashlib.sha256(), 0
    with held_storage().open(name, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


# --------------------------------------------------------------------------------------
# On registration
# --------------------------------------------------------------------------------------
def dataset_version_checksum_fill(version: DatasetVersion) -> None:
    """Before a held dataset version is first saved: compute its SHA-256 and size from the
    stored bytes; a checksum given by the client must match them.

    Raises:
        ValidationError: the held file is missing, or the given checksum is not its own.
    """
    name = held_storage_name(version.uri)
    if version.dataset.storage_mode != StorageMode.HELD or name is None:
        # Not (yet) in Custodia's storage: nothing here to hash (a copy being moved in
        # keeps its client-given checksum, which the job verifies once it is held).
        return
    if not held_storage().exists(name):
        raise ValidationError({"uri": [f"No held file at {version.uri}: upload it first."]})
    sha256, size = storage_sha256(name)
    if version.sha256 and version.sha256 != sha256:
        raise ValidationError({"sha256": ["Does not match the held file's bytes "
                                          f"(they hash to {sha256})."]})
    version.sha256, version.size = sha256, size


# --------------------------------------------------------------------------------------
# Scheduled re-hashing
# --------------------------------------------------------------------------------------
def integrity_checks_ensure() -> int:
    """One `IntegrityCheck` row per held dataset version and held model artefact."""
    held = Q(uri__startswith=HELD_SCHEME)
    dataset_versions = DatasetVersion.objects.filter(
        held, dataset__storage_mode=StorageMode.HELD, integrity_check__isnull=True
    ).values_list("pk", flat=True)
    model_versions = ModelVersion.objects.filter(
        artifact_uri__startswith=HELD_SCHEME, integrity_check__isnull=True
    ).values_list("pk", flat=True)
    rows = [IntegrityCheck(dataset_version_id=pk) for pk in dataset_versions]
    rows += [IntegrityCheck(model_version_id=pk) for pk in model_versions]
    IntegrityCheck.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@dataclass
class RehashSummary:
    checked: int = 0
    mismatches: int = 0
    missing: int = 0
    purged: int = 0

    def as_dict(self) -> dict:
        return {"checked": self.checked, "mismatches": self.mismatches, "missing": self.missing,
                "purged": self.purged}


def held_artifacts_rehash(*, job_run: JobRun | None = None, chunk_size: int = 50,
                          progress: Callable[[int, str], None] | None = None) -> dict:
    """Re-hash every held dataset version and model artefact not checked since this run
    began, `chunk_size` at a time; each chunk is locked with `skip_locked`, so a second
    worker running the same job takes other rows instead of waiting or repeating them.

    Returns:
        Counts of checked files, mismatches, missing files and files the retention purge
        removed (those raise no finding).
    """
    integrity_checks_ensure()
    started = timezone.now()
    due = Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=started)
    total = IntegrityCheck.objects.filter(due).count()
    summary = RehashSummary()
    while True:
        with transaction.atomic():
            chunk = list(IntegrityCheck.objects.select_for_update(skip_locked=True).filter(due)
                         .order_by(F("last_checked_at").asc(nulls_first=True), "id")[:chunk_size])
            if not chunk:
                break
            for check in chunk:
                _check_one(check, job_run, summary)
        if progress is not None and total:
            progress(min(99, summary.checked * 100 // total),
                     f"{summary.checked} of {total} files checked")
    return summary.as_dict()


def _check_one(check: IntegrityCheck, job_run: JobRun | None, summary: RehashSummary) -> None:
    if check.dataset_version_id:
        target = DatasetVersion.objects.get(pk=check.dataset_version_id)
        uri, expected = target.uri, target.sha256
    else:
        target = ModelVersion.objects.get(pk=check.model_version_id)
        uri, expected = target.artifact_uri, target.artifact_sha256
    name = held_storage_name(uri)
    summary.checked += 1
    # Findings never quote the location: a sensitive dataset's location is not for every
    # reader of findings.
    check.last_checked_at = timezone.now()
    if name is not None and _lawfully_purged(target, name):
        # Retention removed these bytes on purpose (a purge record is the evidence): gone by
        # design, not missing. Nothing to raise, today or after a finding was resolved.
        summary.purged += 1
        check.last_ok, check.last_observed_sha256 = None, ""
    elif name is None or not held_storage().exists(name):
        summary.missing += 1
        check.last_ok, check.last_observed_sha256 = False, ""
        _finding_raise(target, FindingKind.MISSING_FILE, expected, "",
                       "The held file is missing from Custodia's storage.", job_run)
    else:
        observed, _ = storage_sha256(name)
        check.last_observed_sha256 = observed
        check.last_ok = not expected or observed == expected
        if expected and observed != expected:
            summary.mismatches += 1
            _finding_raise(target, FindingKind.CHECKSUM_MISMATCH, expected, observed,
                           "The stored bytes no longer match the checksum recorded at "
                           "registration.", job_run)
    check.save(update_fields=["last_checked_at", "last_observed_sha256", "last_ok"])


def _lawfully_purged(target, name: str) -> bool:
    """Whether the retention purge removed this record's held file."""
    field = "dataset_version" if isinstance(target, DatasetVersion) else "model_version"
    return PurgeRecord.objects.filter(storage_name=name, **{field: target}).exists()


def _finding_raise(target, kind: str, expected: str, observed: str, detail: str,
                   job_run: JobRun | None) -> IntegrityFinding:
    """The open finding for this problem, created once (the job meets it every night)."""
    field = "dataset_version" if isinstance(target, DatasetVersion) else "model_version"
    existing = IntegrityFinding.objects.filter(kind=kind, status=FindingStatus.OPEN,
                                               **{field: target}).first()
    if existing is not None:
        return existing
    finding = IntegrityFinding(kind=kind, expected_sha256=expected, observed_sha256=observed,
                               detail=detail, job_run=job_run, **{field: target})
    finding.full_clean(validate_constraints=False)
    finding.save()
    return finding


# --------------------------------------------------------------------------------------
# On demand
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerifyResult:
    observed_sha256: str
    size: int
    matches: bool | None  # None: no checksum was recorded to compare with
    finding: IntegrityFinding | None


def dataset_version_verify(*, version: DatasetVersion, actor, reason: str) -> VerifyResult:
    """Hash a dataset version's bytes now: held files from storage, referenced ones when
    the URI is a readable `file://` path (no network fetch). A mismatch raises a finding.

    Raises:
        ValidationError: the location cannot be read from here.
    """
    name = held_storage_name(version.uri)
    if name is not None:
        if not held_storage().exists(name):
            raise ValidationError({"uri": [f"No held file at {version.uri}."]})
        observed, size = storage_sha256(name)
    else:
        parsed = urlparse(version.uri or "")
        path = Path(unquote(parsed.path)) if parsed.scheme == "file" else None
        if path is None or not path.is_file():
            raise ValidationError({"uri": ["Only held files and readable file:// locations "
                                           "can be verified from here."]})
        observed, size = _file_sha256(path)
    matches = None if not version.sha256 else observed == version.sha256
    finding = None
    if matches is False:
        with transaction.atomic(), audit_context(user=actor, reason=reason):
            finding = _finding_raise(version, FindingKind.CHECKSUM_MISMATCH, version.sha256,
                                     observed, "On-demand verification: the bytes at the recorded "
                                     "location do not match the recorded checksum.", None)
    return VerifyResult(observed, size, matches, finding)
