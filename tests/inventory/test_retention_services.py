"""Retention policies, legal holds and the artifact purge."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from core.storage import held_storage, held_storage_name
from inventory.choices import ModelStage, RetainedAssetType
from inventory.models import LegalHold, ModelVersion, PurgeRecord
from inventory.services import retention
from tests.factories.catalogue import (
    ComplianceTagFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)
from tests.factories.lifecycle import LegalHoldFactory, RetentionPolicyFactory

pytestmark = pytest.mark.django_db

SEVEN_YEARS = 7 * 365 + 2


@pytest.fixture
def artifact_root(settings, tmp_path: Path) -> Path:
    """Default storage in a folder of this test's own."""
    root = tmp_path / "artifacts"
    settings.STORAGES = {**settings.STORAGES, **{key: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}} for key in ("default", "held")}}
    return root


def held_version(*, name: str, stage: str = ModelStage.RETIRED, years_ago: float = 8,
                 model=None, content: bytes = b"weights") -> ModelVersion:
    """A version whose artifact file is held by Custodia, in `stage` since `years_ago`."""
    storage_name = held_storage().save(f"models/{name}.bin", ContentFile(content))
    version = ModelVersionFactory(model=model or MLModelFactory(), stage=stage,
                                  artifact_uri=f"custodia://{storage_name}")
    entered = timezone.now() - datetime.timedelta(days=365 * years_ago)
    ModelVersion.history.filter(id=version.pk).update(history_date=entered)
    return version


def test_artifact_past_retention_is_purged_and_nothing_else_changes(artifact_root):
    policy = RetentionPolicyFactory(retain_days=SEVEN_YEARS)
    old = held_version(name="old", years_ago=8, content=b"0123456789")
    recent = held_version(name="recent", years_ago=2)
    history_before = ModelVersion.history.count()
    row_before = ModelVersion.objects.filter(pk=old.pk).values().get()

    report = retention.retention_purge()

    assert [p["object_id"] for p in report["purged"]] == [old.pk]
    assert report["bytes_freed"] == 10 and report["within_retention"] == 1
    assert not (artifact_root / "models/old.bin").exists()
    assert (artifact_root / "models/recent.bin").exists(), "within retention: kept"
    record = PurgeRecord.objects.get()
    assert (record.model_version, record.policy, record.size, record.storage_name) == (
        old, policy, 10, "models/old.bin")
    # Versions, their history and audit records are never touched.
    assert ModelVersion.history.count() == history_before
    assert ModelVersion.objects.filter(pk=old.pk).values().get() == row_before
    assert ModelVersion.objects.filter(pk=recent.pk).exists()

    second = retention.retention_purge()
    assert second["purged"] == [] and second["bytes_freed"] == 0
    assert PurgeRecord.objects.count() == 1


def test_dry_run_lists_what_would_go_and_writes_nothing(artifact_root):
    RetentionPolicyFactory(retain_days=SEVEN_YEARS)
    version = held_version(name="dry", years_ago=8)

    report = retention.retention_purge(dry_run=True)

    assert [c["object_id"] for c in report["would_purge"]] == [version.pk]
    assert "purged" not in report
    assert (artifact_root / "models/dry.bin").exists()
    assert not PurgeRecord.objects.exists()


def test_legal_hold_blocks_the_purge_until_released(artifact_root, compliance_officer):
    RetentionPolicyFactory(retain_days=SEVEN_YEARS)
    version = held_version(name="held", years_ago=8)
    hold = retention.legal_hold_place(actor=compliance_officer, reason="Subpoena",
                                      data={"reference": "CASE-42", "reason": "Subpoena",
                                            "model": version.model})

    report = retention.retention_purge()
    assert report["purged"] == []
    assert [h["held_by"] for h in report["held"]] == [["CASE-42"]]
    assert (artifact_root / "models/held.bin").exists()

    with pytest.raises(ValidationError):
        retention.legal_hold_release(hold=hold, actor=compliance_officer, reason=" ")
    released = retention.legal_hold_release(hold=hold, actor=compliance_officer,
                                            reason="Case closed")
    assert released.released_at is not None
    assert released.history.first().history_change_reason == "Case closed"
    assert [p["object_id"] for p in retention.retention_purge()["purged"]] == [version.pk]


def test_hold_on_the_version_itself_blocks_too(artifact_root):
    RetentionPolicyFactory(retain_days=1)
    version = held_version(name="v-held", years_ago=1)
    LegalHoldFactory(model=None, model_version=version)
    assert retention.retention_purge()["purged"] == []


def test_regulation_policy_keeps_tagged_models_longer(artifact_root):
    sox = ComplianceTagFactory(name="sox")
    RetentionPolicyFactory(name="Default", retain_days=365)
    RetentionPolicyFactory(name="SOX", retain_days=SEVEN_YEARS, regulation=sox)
    tagged = held_version(name="tagged", years_ago=3, model=MLModelFactory(compliance_tags=["sox"]))
    plain = held_version(name="plain", years_ago=3)

    report = retention.retention_purge()

    assert [p["object_id"] for p in report["purged"]] == [plain.pk]
    assert (artifact_root / "models/tagged.bin").exists()
    candidate = next(c for c in retention.retention_candidates() if c.object_id == tagged.pk)
    assert candidate.policy_id == sox.retention_policies.get().pk


def test_without_policy_external_or_live_artifacts_are_never_purged(artifact_root):
    held_version(name="no-policy", years_ago=20)
    assert retention.retention_purge()["without_policy"] == 1
    RetentionPolicyFactory(retain_days=1, stage=ModelStage.DEPRECATED)
    ModelVersionFactory(stage=ModelStage.RETIRED, artifact_uri="s3://bucket/model.bin")
    live = held_version(name="live", stage=ModelStage.PRODUCTION, years_ago=20)

    report = retention.retention_purge()

    assert [p["storage_name"] for p in report["purged"]] == ["models/no-policy.bin"]
    assert (artifact_root / "models/live.bin").exists()
    assert not PurgeRecord.objects.filter(model_version=live).exists()


def test_policy_on_deprecated_counts_from_deprecation_for_later_stages(artifact_root):
    RetentionPolicyFactory(retain_days=365, stage=ModelStage.DEPRECATED)
    version = held_version(name="dep", stage=ModelStage.DEPRECATED, years_ago=2)
    for stage in (ModelStage.ARCHIVED, ModelStage.RETIRED):
        version.stage = stage
        version.save()  # archived and retired today, deprecated two years ago

    assert [p["object_id"] for p in retention.retention_purge()["purged"]] == [version.pk]


def test_dataset_version_files_follow_dataset_policies(artifact_root):
    RetentionPolicyFactory(asset_type=RetainedAssetType.DATASET_VERSION, retain_days=0)
    name = held_storage().save("data/train.parquet", ContentFile(b"rows"))
    version = DatasetVersionFactory(uri=f"custodia://{name}")

    report = retention.retention_purge()

    assert [p["object_id"] for p in report["purged"]] == [version.pk]
    assert PurgeRecord.objects.get().dataset_version == version


@pytest.mark.parametrize("uri", ["s3://bucket/x", "custodia://", "custodia://../etc/passwd",
                                 "custodia://models/../../x", ""])
def test_only_plain_paths_inside_the_artifact_storage_are_purgeable(uri):
    assert held_storage_name(uri) is None


def test_legal_hold_needs_exactly_one_target(compliance_officer):
    model = MLModelFactory()
    with pytest.raises(ValidationError) as refused:
        retention.legal_hold_place(actor=compliance_officer, reason="x", data={
            "reference": "CASE-1", "reason": "x"})
    assert "model_version" in refused.value.message_dict
    version = ModelVersionFactory(model=model)
    with pytest.raises(ValidationError):
        retention.legal_hold_place(actor=compliance_officer, reason="x", data={
            "reference": "CASE-1", "reason": "x", "model": model, "model_version": version})
    assert not LegalHold.objects.exists()


def test_hold_target_cannot_be_moved(compliance_officer):
    hold = LegalHoldFactory()
    with pytest.raises(ValidationError) as refused:
        retention.legal_hold_update(hold=hold, actor=compliance_officer, reason="x",
                                    data={"model": MLModelFactory().pk})
    assert "model" in refused.value.message_dict


def test_policy_that_purged_is_kept_as_evidence(artifact_root, compliance_officer):
    policy = RetentionPolicyFactory(retain_days=1)
    held_version(name="gone", years_ago=1)
    retention.retention_purge()
    with pytest.raises(ValidationError):
        retention.retention_policy_delete(policy=policy, actor=compliance_officer, reason="x")
    with pytest.raises(PermissionError):
        PurgeRecord.objects.all().delete()


def _dataset_version_used_by(stage: str, name: str = "data/train.parquet"):
    """A held dataset version past retention that a model version in `stage` trained on."""
    from inventory.services.versions import model_version_datasets_link

    RetentionPolicyFactory(asset_type=RetainedAssetType.DATASET_VERSION, retain_days=0)
    stored = held_storage().save(name, ContentFile(b"rows"))
    data = DatasetVersionFactory(uri=f"custodia://{stored}")
    model_version = ModelVersionFactory(stage=ModelStage.REGISTERED)
    model_version_datasets_link(version=model_version, actor=None, reason="test",
                                links=[{"dataset_version": data, "role": "train"}])
    model_version.stage = stage
    model_version.save()
    return data, model_version, stored


def test_data_a_production_model_trained_on_is_never_purged(artifact_root):
    data, model_version, stored = _dataset_version_used_by(ModelStage.PRODUCTION)

    report = retention.retention_purge()

    assert report["purged"] == [] and not PurgeRecord.objects.exists()
    assert held_storage().exists(stored)
    [skipped] = report["skipped"]
    assert skipped["object_id"] == data.pk and skipped["in_use_by"] == [str(model_version)]
    assert str(model_version) in skipped["skip_reason"]
    assert retention.retention_purge(dry_run=True)["would_purge"] == []


def test_data_is_purged_once_every_model_version_using_it_is_retired(artifact_root):
    data, _model_version, stored = _dataset_version_used_by(ModelStage.RETIRED)

    report = retention.retention_purge()

    assert [p["object_id"] for p in report["purged"]] == [data.pk]
    assert not held_storage().exists(stored)


def test_a_held_dataset_version_is_skipped_with_the_hold_named(artifact_root):
    RetentionPolicyFactory(asset_type=RetainedAssetType.DATASET_VERSION, retain_days=0)
    stored = held_storage().save("data/held.parquet", ContentFile(b"rows"))
    data = DatasetVersionFactory(uri=f"custodia://{stored}")
    LegalHoldFactory(model=None, dataset=data.dataset, reference="CASE-3")

    report = retention.retention_purge()

    assert report["purged"] == []
    assert "CASE-3" in report["skipped"][0]["skip_reason"]
