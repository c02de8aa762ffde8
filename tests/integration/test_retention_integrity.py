"""Retention and the integrity job together on a real Celery worker: data a production model
was trained on is kept, a lawful purge removes the rest, and the re-hash that follows knows
the purged file is gone by design (no "missing file" finding, and none raised again after an
earlier one was resolved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.choices import JobStatus
from core.models import JobRun
from core.services.job_runs import job_run_submit
from core.storage import held_storage, held_storage_name
from inventory.choices import ModelStage, RetainedAssetType
from inventory.services.versions import model_version_datasets_link
from lineage.choices import FindingKind, FindingStatus
from lineage.models import IntegrityFinding
from lineage.tasks import REHASH_JOB
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.lifecycle import RetentionPolicyFactory
from tests.factories.lineage import IntegrityFindingFactory
from tests.integration.conftest import wait_for, worker
from tests.lineage.test_integrity_services import held_dataset_version

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def artifact_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "artifacts"
    settings.STORAGES = {**settings.STORAGES, **{key: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}} for key in ("default", "held")}}
    return root


def _run(name: str, **parameters) -> JobRun:
    run = job_run_submit(name=name, parameters=parameters)
    finished = wait_for(lambda: (lambda r: r if r.is_finished else None)(
        JobRun.objects.get(pk=run.pk)), what=f"{name} to finish")
    assert finished.status == JobStatus.SUCCEEDED, finished.log
    return finished


def test_live_data_kept_and_a_lawful_purge_raises_no_finding(any_broker, artifact_root):
    RetentionPolicyFactory(asset_type=RetainedAssetType.DATASET_VERSION, retain_days=0)
    training = held_dataset_version("training")
    production = ModelVersionFactory(stage=ModelStage.REGISTERED)
    model_version_datasets_link(version=production, actor=None, reason="test",
                                links=[{"dataset_version": training, "role": "train"}])
    production.stage = ModelStage.PRODUCTION
    production.save()
    old = held_dataset_version("old-extract")
    # A "missing file" finding raised and resolved before: it must not come back.
    IntegrityFindingFactory(dataset_version=old, kind=FindingKind.MISSING_FILE,
                            status=FindingStatus.RESOLVED)

    with worker():
        purge = _run("inventory.retention_purge")
        rehash = _run(REHASH_JOB, chunk_size=10)
        again = _run(REHASH_JOB, chunk_size=10)

    assert [p["object_id"] for p in purge.result["purged"]] == [old.pk]
    assert [s["object_id"] for s in purge.result["skipped"]] == [training.pk]
    assert str(production) in purge.result["skipped"][0]["skip_reason"]
    assert held_storage().exists(held_storage_name(training.uri))
    assert not held_storage().exists(held_storage_name(old.uri))
    for run in (rehash, again):
        assert run.result == {"checked": 2, "mismatches": 0, "missing": 0, "purged": 1}
    assert not IntegrityFinding.objects.filter(status=FindingStatus.OPEN).exists()
