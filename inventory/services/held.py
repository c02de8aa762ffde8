"""Held storage: putting a dataset version's or a model version's bytes into Custodia's own
storage, by upload or by copy-in from an allowed `file://` folder.

Bytes are streamed into the `held` storage (`core.storage`) while hashing; the SHA-256 and
size are then recorded on the version, with history and an access event. Whatever refuses
the request (permission, the record's state, a checksum that is not the file's, the size
limit) leaves no file behind. A version's held bytes are evidence: once recorded they are
never replaced (register a new version instead).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename

from core.audit import audit_context
from core.choices import AccessAction
from core.exceptions import ConflictError
from core.models import JobRun
from core.permissions import user_can
from core.services.audit import access_event_record
from core.storage import (
    CHUNK_BYTES,
    HeldWriter,
    StoredFile,
    held_storage,
    held_storage_name,
    max_upload_bytes,
)
from inventory.choices import StorageMode
from inventory.models import FROZEN_STAGES, DatasetVersion, ModelVersion, ModelVersionDataset
from inventory.models.versions import sha256_validator

__all__ = [
    "COPY_IN_TASK",
    "HeldTarget",
    "copy_in_source_path",
    "held_copy_in",
    "held_copy_in_submit",
    "held_file_record",
    "held_file_store",
    "held_target_check",
    "held_target_get",
    "held_target_kind",
    "held_upload_name",
]

COPY_IN_TASK = "inventory.held_copy_in"
HeldTarget = DatasetVersion | ModelVersion

# (uri, sha256, size) field names of each kind of held record.
_FIELDS = {DatasetVersion: ("uri", "sha256", "size"),
           ModelVersion: ("artifact_uri", "artifact_sha256", "artifact_size")}
_KINDS = {"dataset_version": DatasetVersion, "model_version": ModelVersion}


def held_target_kind(target: HeldTarget) -> str:
    return "dataset_version" if isinstance(target, DatasetVersion) else "model_version"


def held_target_get(kind: str, pk: int) -> HeldTarget:
    model = _KINDS[kind]
    related = "dataset" if model is DatasetVersion else "model"
    return model.objects.select_related(related).get(pk=pk)


def held_upload_name(target: HeldTarget, filename: str) -> str:
    """A new storage name for the target's bytes; the random part keeps names unique."""
    try:
        safe = get_valid_filename(Path(filename or "upload").name)[-100:]
    except SuspiciousFileOperation:  # "..", or nothing left once cleaned
        safe = "upload"
    token = uuid.uuid4().hex[:12]
    if isinstance(target, DatasetVersion):
        return f"datasets/{target.dataset_id}/v{target.version}/{token}-{safe}"
    return f"models/{target.model_id}/v{target.version}/{token}-{safe}"


# --------------------------------------------------------------------------------------
# Who may, and when
# --------------------------------------------------------------------------------------
def held_target_check(*, target: HeldTarget, actor) -> None:
    """Refuse before any byte is written: the actor must be allowed to change the record,
    and the record's state must accept held bytes.

    Raises:
        PermissionDenied: the actor may not change the record.
        ConflictError: frozen, not held, or already holding its bytes.
    """
    if actor is not None and not user_can(actor, "change", target):
        raise PermissionDenied("Storing files needs the right to change this version.")
    _refuse_state(target)


def _refuse_state(target: HeldTarget) -> None:
    uri_field, sha_field, _ = _FIELDS[type(target)]
    if isinstance(target, ModelVersion):
        if target.stage in FROZEN_STAGES:
            raise ConflictError(f"{target} has reached production and is frozen: its artefact "
                                "cannot change. Register a new version instead.")
    else:
        if target.dataset.storage_mode != StorageMode.HELD:
            raise ConflictError(f"{target.dataset} is referenced, not held: set its storage "
                                "mode to held before storing its files in Custodia.")
        if ModelVersionDataset.objects.filter(dataset_version=target,
                                              model_version__stage__in=FROZEN_STAGES).exists():
            raise ConflictError(f"{target} is evidence of a version that reached production: "
                                "its bytes cannot change. Register a new dataset version.")
    if held_storage_name(getattr(target, uri_field)) and getattr(target, sha_field):
        raise ConflictError(f"{target} already holds its bytes in Custodia's storage; they are "
                            "never replaced. Register a new version instead.")


def _declared(sha256: str) -> str:
    sha256 = (sha256 or "").strip().lower()
    if sha256:
        try:
            sha256_validator(sha256)
        except ValidationError as error:
            raise ValidationError({"sha256": error.messages}) from error
    return sha256


# --------------------------------------------------------------------------------------
# Upload
# --------------------------------------------------------------------------------------
def held_file_store(*, target: HeldTarget, actor, reason: str, chunks: Iterable[bytes],
                    filename: str, sha256: str = "") -> HeldTarget:
    """Stream `chunks` into held storage and record them on `target`.

    Raises:
        ValidationError: a bad checksum or reason, or a checksum that is not the file's.
        core.storage.UploadTooLarge: over `CUSTODIA_MAX_UPLOAD_BYTES` (nothing kept).
        PermissionDenied, ConflictError: see `held_target_check`.
    """
    declared = _declared(sha256)
    _reason(reason)
    held_target_check(target=target, actor=actor)
    stored = HeldWriter(held_upload_name(target, filename)).write_all(chunks)
    return held_file_record(target=target, actor=actor, reason=reason, stored=stored,
                            sha256=declared)


def held_file_record(*, target: HeldTarget, actor, reason: str, stored: StoredFile,
                     sha256: str = "") -> HeldTarget:
    """Record a file already written to held storage on `target` (its URI, SHA-256 and
    size); on any refusal the file is deleted, so nothing half-done remains.

    A checksum declared now, or recorded on the version before, must be the file's.
    """
    try:
        declared = _declared(sha256)
        _reason(reason)
        with transaction.atomic(), audit_context(user=actor, reason=reason):
            model = type(target)
            locked = model.objects.select_for_update().get(pk=target.pk)
            _refuse_state(locked)
            uri_field, sha_field, size_field = _FIELDS[model]
            if not stored.size:
                raise ValidationError({"file": ["The file is empty."]})
            expected = declared or getattr(locked, sha_field)
            if expected and expected != stored.sha256:
                raise ValidationError({"sha256": [
                    f"The file's bytes hash to {stored.sha256}, not to the declared {expected}; "
                    "nothing was kept."]})
            setattr(locked, uri_field, stored.uri)
            setattr(locked, sha_field, stored.sha256)
            setattr(locked, size_field, stored.size)
            touched = {uri_field, sha_field, size_field}
            locked.full_clean(validate_constraints=False, exclude=[
                f.name for f in model._meta.concrete_fields if f.name not in touched])
            locked._change_reason = reason
            locked.save(update_fields=[*touched, "updated_at"])
            access_event_record(user=actor, action=AccessAction.UPLOAD, obj=locked)
    except BaseException:
        storage = held_storage()
        if storage.exists(stored.name):
            storage.delete(stored.name)
        raise
    return locked


def _reason(reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"change_reason": ["Say why these bytes are stored; the reason "
                                                 "is kept in the version's history."]})


# --------------------------------------------------------------------------------------
# Copy-in from an allowed folder
# --------------------------------------------------------------------------------------
def copy_in_source_path(source: str) -> Path:
    """The local file a `file://` source names, if it lies under one of
    `CUSTODIA_COPY_IN_ROOTS` (links and `..` resolved first, so neither escapes a root).

    Raises:
        ValidationError: on `source`, for any other scheme, place, or a missing file.
    """
    parsed = urlparse(source or "")
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        raise ValidationError({"source": ["Only local file:// sources can be copied in."]})
    path = Path(unquote(parsed.path)).resolve()
    roots = [Path(root).resolve() for root in settings.CUSTODIA_COPY_IN_ROOTS]
    if not any(path.is_relative_to(root) for root in roots):
        raise ValidationError({"source": ["This path is not under a folder allowed for copy-in "
                                          "(CUSTODIA_COPY_IN_ROOTS)."]})
    if not path.is_file():
        raise ValidationError({"source": ["No readable file at this path."]})
    if path.stat().st_size > max_upload_bytes():
        raise ValidationError({"source": [f"The file is larger than the {max_upload_bytes():,} "
                                          "bytes allowed (CUSTODIA_MAX_UPLOAD_BYTES)."]})
    return path


def held_copy_in_submit(*, target: HeldTarget, actor, reason: str, source: str,
                        sha256: str = "") -> JobRun:
    """Check the request now and queue the copy-in job; its JobRun shows the progress."""
    from core.services.job_runs import job_run_submit

    declared = _declared(sha256)
    _reason(reason)
    held_target_check(target=target, actor=actor)
    copy_in_source_path(source)
    return job_run_submit(name=COPY_IN_TASK, user=actor, parameters={
        "kind": held_target_kind(target), "pk": target.pk, "source": source,
        "sha256": declared, "reason": reason})


def held_copy_in(*, kind: str, pk: int, source: str, reason: str, sha256: str = "", actor,
                 progress: Callable[[int, str], None] | None = None) -> dict:
    """Copy a `file://` source into held storage and record it on the version (the job's
    body). Run twice, the second run finds the bytes held and does nothing."""
    target = held_target_get(kind, pk)
    uri_field, sha_field, _ = _FIELDS[type(target)]
    if held_storage_name(getattr(target, uri_field)) and getattr(target, sha_field):
        return {kind: pk, "skipped": "the bytes are already held"}
    path = copy_in_source_path(source)
    stored = held_file_store(target=target, actor=actor, reason=reason, sha256=sha256,
                             filename=path.name, chunks=_read(path, progress))
    return {kind: pk, "sha256": getattr(stored, sha_field),
            "size": getattr(stored, _FIELDS[type(target)][2]), "uri": getattr(stored, uri_field)}


def _read(path: Path, progress: Callable[[int, str], None] | None) -> Iterator[bytes]:
    total, done, shown = path.stat().st_size or 1, 0, -10
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            done += len(block)
            percent = min(99, done * 100 // total)
            if progress is not None and percent >= shown + 10:  # a log line per tenth
                shown = percent
                progress(percent, f"{done:,} of {total:,} bytes copied")
            yield block
