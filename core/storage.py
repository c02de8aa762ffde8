"""Held storage: the files Custodia keeps itself (a full copy of a dataset version or a model
artefact), named by `custodia://<storage name>` URIs.

Every read and write goes through Django's storage API, the `held` entry of
`settings.STORAGES` (a folder under `CUSTODIA_ARTIFACT_ROOT` by default, S3-compatible
object storage through django-storages in production). Writes are streamed in chunks while
hashing: a file is never held whole in memory nor in a temporary file, and a write that
fails or goes over `CUSTODIA_MAX_UPLOAD_BYTES` leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

__all__ = [
    "CHUNK_BYTES",
    "HELD_SCHEME",
    "HeldUploadHandler",
    "HeldWriter",
    "StoredFile",
    "UploadTooLarge",
    "held_storage",
    "held_storage_name",
    "held_uri",
    "max_upload_bytes",
]

HELD_SCHEME = "custodia://"
CHUNK_BYTES = 1024 * 1024


class UploadTooLarge(Exception):
    """The bytes went over `CUSTODIA_MAX_UPLOAD_BYTES` (HTTP 413); nothing was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The file is larger than the {limit:,} bytes allowed.")
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    """A file written to held storage: its storage name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int

    @property
    def uri(self) -> str:
        return held_uri(self.name)


def held_storage() -> Storage:
    return storages["held"]


def max_upload_bytes() -> int:
    return int(settings.CUSTODIA_MAX_UPLOAD_BYTES)


def held_uri(name: str) -> str:
    return f"{HELD_SCHEME}{name}"


def held_storage_name(uri: str) -> str | None:
    """The storage name of a held file (`custodia://datasets/x.csv` -> `datasets/x.csv`);
    None for other URIs and for names that would climb out of the storage root."""
    if not uri or not uri.startswith(HELD_SCHEME):
        return None
    name = uri[len(HELD_SCHEME):].lstrip("/")
    if not name or ".." in name.split("/"):
        return None
    return name


class HeldWriter:
    """Writes one file to held storage chunk by chunk, hashing and counting as it goes.

    `write()` raises `UploadTooLarge` past `max_bytes`; on that or any other failure,
    `abort()` deletes what was written. The name must be new (callers put a random part
    in it), because storage `open(..., "wb")` overwrites.
    """

    def __init__(self, name: str, *, max_bytes: int | None = None,
                 storage: Storage | None = None) -> None:
        self.name = name
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self.storage = storage or held_storage()
        self._digest = hashlib.sha256()
        self.size = 0
        self._handle = None

    def open(self) -> HeldWriter:
        try:
            # FileSystemStorage.open() does not create folders; object storage has none.
            folder = os.path.dirname(self.storage.path(self.name))
            os.makedirs(folder, exist_ok=True)
        except NotImplementedError:
            pass
        self._handle = self.storage.open(self.name, "wb")
        return self

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.abort()
            raise UploadTooLarge(self.max_bytes)
        self._digest.update(chunk)
        self._handle.write(chunk)

    def finish(self) -> StoredFile:
        self._handle.close()
        self._handle = None
        return StoredFile(self.name, self._digest.hexdigest(), self.size)

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.storage.exists(self.name):
            self.storage.delete(self.name)

    def write_all(self, chunks: Iterable[bytes]) -> StoredFile:
        """Write every chunk and finish; nothing is left behind when anything fails."""
        self.open()
        try:
            for chunk in chunks:
                self.write(chunk)
            return self.finish()
        except BaseException:
            self.abort()
            raise


class HeldUploadHandler(FileUploadHandler):
    """A multipart upload handler that streams the form's `file` field straight into held
    storage under `name_for(client file name)` (no memory buffer, no temporary file). Install
    it as the request's only handler before anything reads `request.POST` (the CSRF check
    included).

    After parsing, `stored` holds the `StoredFile`, `too_large` tells whether the limit was
    crossed (the partial file is already deleted).
    """

    def __init__(self, request, *, name_for: Callable[[str], str], field: str = "file") -> None:
        super().__init__(request)
        self.name_for, self.field = name_for, field
        self.writer: HeldWriter | None = None
        self.stored: StoredFile | None = None
        self.too_large = False

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != self.field or self.writer is not None:
            return  # other file fields are dropped: this handler returns no data for them
        self.writer = HeldWriter(self.name_for(file_name)).open()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.writer is None or self.field_name != self.field or self.stored is not None:
            return None
        try:
            self.writer.write(raw_data)
        except UploadTooLarge:
            self.too_large = True
            raise StopUpload(connection_reset=False) from None
        return None

    def file_complete(self, file_size: int) -> None:
        if self.writer is not None and self.stored is None and self.field_name == self.field:
            self.stored = self.writer.finish()
        return None

    def upload_interrupted(self) -> None:
        self.discard()

    def discard(self) -> None:
        """Delete what this request wrote (a refusal after the upload finished)."""
        if self.writer is not None:
            self.writer.abort()
        self.stored = None
