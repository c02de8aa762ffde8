"""Held storage: the one definition of where Custodia keeps the bytes it holds.

A dataset version or model artefact held by Custodia has a URI `custodia://<name>`,
`<name>` being a path in Django's default storage (rooted at
`settings.CUSTODIA_ARTIFACT_ROOT`, or object storage through django-storages). Retention,
the integrity job and everything else that resolves a held path use these helpers, so
the scheme and its safety rules live here only.
"""

from __future__ import annotations

__all__ = ["HELD_SCHEME", "held_storage_name", "held_uri"]

HELD_SCHEME = "custodia://"


def held_storage_name(uri: str) -> str | None:
    """The storage name of a held file (`custodia://datasets/x.csv` -> `datasets/x.csv`);
    None for an external URI, an empty name or one climbing out of the storage root."""
    if not uri or not uri.startswith(HELD_SCHEME):
        return None
    name = uri[len(HELD_SCHEME):].lstrip("/")
    if not name or ".." in name.split("/"):
        return None  # never let a crafted URI point outside the artifact root
    return name


def held_uri(name: str) -> str:
    """The URI of a file stored under `name` in the default storage."""
    return f"{HELD_SCHEME}{name.lstrip('/')}"
