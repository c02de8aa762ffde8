"""Fixtures of the held-storage tests (import the `*_fixture` names to use them): a storage
folder, a temp-upload folder and a copy-in folder of the test's own, a small size limit, and
held records owned by one team."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from core.roles import Role
from inventory.choices import StorageMode
from inventory.services import versions
from inventory.services.catalogue import grant_actions
from tests.factories.catalogue import (
    DatasetFactory,
    MLModelFactory,
    ModelVersionFactory,
    TeamFactory,
)
from tests.factories.users import UserFactory

LIMIT = 64 * 1024


@dataclass
class HeldPlace:
    root: Path  # the held storage's folder
    temp: Path  # FILE_UPLOAD_TEMP_DIR
    source: Path  # the one folder copy-in may read

    def stored_files(self) -> list[Path]:
        return [p for p in self.root.rglob("*") if p.is_file()] if self.root.exists() else []

    def temp_files(self) -> list[Path]:
        return [p for p in self.temp.rglob("*") if p.is_file()]


@pytest.fixture(name="held")
def held_fixture(settings, tmp_path: Path) -> HeldPlace:
    place = HeldPlace(tmp_path / "held", tmp_path / "upload-temp", tmp_path / "incoming")
    place.temp.mkdir()
    place.source.mkdir()
    settings.STORAGES = {**settings.STORAGES, "held": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(place.root)}}}
    settings.FILE_UPLOAD_TEMP_DIR = str(place.temp)
    settings.CUSTODIA_MAX_UPLOAD_BYTES = LIMIT
    settings.CUSTODIA_COPY_IN_ROOTS = [str(place.source)]
    return place


@pytest.fixture(name="owners")
def owners_fixture(db):
    """Alice (team A, author of the records) and Bob (team B), both data scientists."""
    alice = UserFactory(username="alice", roles=[Role.DATA_SCIENTIST])
    bob = UserFactory(username="bob", roles=[Role.DATA_SCIENTIST])
    team_a = TeamFactory(slug="team-a", name="Team A", members=[alice])
    TeamFactory(slug="team-b", name="Team B", members=[bob])
    return {"alice": alice, "bob": bob, "team": team_a}


@pytest.fixture(name="held_dataset_version")
def held_dataset_version_fixture(owners):
    dataset = DatasetFactory(name="loans-held", team=owners["team"],
                             storage_mode=StorageMode.HELD)
    return versions.dataset_version_register(dataset=dataset, actor=owners["alice"],
                                             reason="Snapshot", data={})


@pytest.fixture(name="model_version")
def model_version_fixture(owners):
    """A draft version of Alice's model whose artefact is not stored yet."""
    model = MLModelFactory(name="credit-held", team=owners["team"])
    version = ModelVersionFactory(model=model, artifact_uri="", artifact_sha256="")
    grant_actions(owners["alice"], version, ["view", "change"])
    return version
