"""Fixtures of the governance tests: held storage and an artifact folder of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def stores(settings, tmp_path: Path) -> tuple[Path, Path]:
    """(held storage folder, configured artifact folder), both empty."""
    held, folder = tmp_path / "held", tmp_path / "artifact-folder"
    held.mkdir()
    folder.mkdir()
    settings.STORAGES = {**settings.STORAGES, "held": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(held)}},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "default")}}}
    settings.CUSTODIA_RECONCILIATION_FOLDERS = [str(folder)]
    return held, folder
