"""A version that reached production cannot change by any path: its
fields, its dataset links, its branch; on PostgreSQL not even by raw SQL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.exceptions import ConflictError
from core.models.governed import AuditedWriteRequired, update_audited
from inventory.choices import ModelStage
from inventory.models import ModelVersion, ModelVersionDataset
from inventory.services import versions
from inventory.services.branches import model_branch_create
from inventory.services.versions import model_version_datasets_link
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.services import has_postgresql, require

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    """A production version with one training link, made while it was still a draft."""
    version = ModelVersionFactory(stage=ModelStage.STAGING, artifact_uri="s3://m/1")
    link = ModelVersionDataset.objects.create(model_version=version, role="train",
                                              dataset_version=DatasetVersionFactory(),
                                              checksum_at_link="a" * 64)
    version.stage = ModelStage.PRODUCTION
    version.save()
    version.link = link
    return version


def test_link_save_and_delete_are_refused(frozen):
    frozen.link.checksum_at_link = "f" * 64
    with pytest.raises(ValidationError, match="frozen"):
        frozen.link.save()
    with pytest.raises(ValidationError, match="frozen"):
        frozen.link.delete()
    with pytest.raises(ValidationError, match="frozen"):
        ModelVersionDataset.objects.create(model_version=frozen, role="test",
                                           dataset_version=DatasetVersionFactory())
    frozen.link.refresh_from_db()
    assert frozen.link.checksum_at_link == "a" * 64


def test_link_bulk_paths_are_refused(frozen):
    links = ModelVersionDataset.objects.filter(pk=frozen.link.pk)
    with pytest.raises(ValidationError, match="frozen"):
        update_audited(links, reason="x", checksum_at_link="f" * 64)
    with pytest.raises(ValidationError, match="frozen"):
        links.delete()
    with pytest.raises((ValidationError, AuditedWriteRequired)):
        links.update(role="test")
    with pytest.raises(ValidationError, match="frozen"):
        ModelVersionDataset.objects.bulk_create([ModelVersionDataset(
            model_version=frozen, role="test", dataset_version=DatasetVersionFactory())])
    assert frozen.dataset_links.count() == 1


def test_many_to_many_paths_are_refused_both_ways(frozen):
    other = DatasetVersionFactory()
    attempts = [
        lambda: frozen.datasets.add(other, through_defaults={"role": "test"}),
        lambda: frozen.datasets.remove(frozen.link.dataset_version),
        lambda: frozen.datasets.clear(),
        lambda: frozen.datasets.set([other], through_defaults={"role": "test"}),
        lambda: other.model_versions.add(frozen, through_defaults={"role": "test"}),
        lambda: frozen.link.dataset_version.model_versions.clear(),
    ]
    for attempt in attempts:
        # Django's m2m writes run in a savepoint-less atomic block: give each its own.
        with pytest.raises(ValidationError, match="frozen"), transaction.atomic():
            attempt()
    assert list(frozen.datasets.all()) == [frozen.link.dataset_version]


def test_services_refuse_fields_links_and_branch(frozen, platform_admin):
    with pytest.raises(ConflictError, match="frozen"):
        versions.model_version_update(version=frozen, actor=platform_admin, reason="fix",
                                       data={"artifact_sha256": "f" * 64})
    with pytest.raises(ValidationError, match="frozen"):
        model_version_datasets_link(version=frozen, actor=platform_admin, reason="fix",
                                    links=[])
    branch = model_branch_create(model=frozen.model, actor=platform_admin, reason="exp",
                                 data={"name": "exp/x", "parent_version": frozen})
    frozen.branch = branch
    with pytest.raises(ValidationError, match="frozen"):
        frozen.save()
    with pytest.raises(ValidationError, match="frozen"):
        update_audited(ModelVersion.objects.filter(pk=frozen.pk), reason="x",
                       code_commit_signed=True)


# --------------------------------------------------------------------------------------
# PostgreSQL: the database trigger
# --------------------------------------------------------------------------------------
def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_trigger_refuses_raw_sql_on_frozen_columns_and_links(frozen):
    require("postgresql", has_postgresql())
    for sql, params in [
        ("UPDATE inventory_modelversion SET artifact_sha256 = %s WHERE id = %s",
         ["f" * 64, frozen.pk]),
        ("UPDATE inventory_modelversion SET evaluation_metrics = '{}'::jsonb WHERE id = %s",
         [frozen.pk]),
        ("UPDATE inventory_modelversion SET stage = 'staging' WHERE id = %s", [frozen.pk]),
        ("UPDATE inventory_modelversion SET stage = 'draft' WHERE id = %s", [frozen.pk]),
        ("DELETE FROM inventory_modelversion WHERE id = %s", [frozen.pk]),
        ("UPDATE inventory_modelversiondataset SET checksum_at_link = %s WHERE id = %s",
         ["f" * 64, frozen.link.pk]),
        ("DELETE FROM inventory_modelversiondataset WHERE id = %s", [frozen.link.pk]),
        ("INSERT INTO inventory_modelversiondataset (created_at, updated_at, model_version_id,"
         " dataset_version_id, role, checksum_at_link) VALUES (now(), now(), %s, %s, 'test', '')",
         [frozen.pk, frozen.link.dataset_version_id]),
    ]:
        with pytest.raises(IntegrityError, match=r"frozen|never deleted|cannot move"):
            _raw(sql, params)
    frozen.refresh_from_db()
    assert (frozen.artifact_sha256, frozen.stage) == ("a" * 64, ModelStage.PRODUCTION)
    assert frozen.dataset_links.count() == 1


def test_trigger_lets_the_stage_move_forward_only_and_leaves_drafts_alone(frozen):
    require("postgresql", has_postgresql())
    for stage in ("deprecated", "archived"):
        _raw("UPDATE inventory_modelversion SET stage = %s, updated_at = now() WHERE id = %s",
             [stage, frozen.pk])
    with pytest.raises(IntegrityError, match="only moves forward"):
        _raw("UPDATE inventory_modelversion SET stage = 'production' WHERE id = %s",
             [frozen.pk])
    _raw("UPDATE inventory_modelversion SET stage = 'retired' WHERE id = %s", [frozen.pk])
    frozen.refresh_from_db()
    assert frozen.stage == ModelStage.RETIRED
    skipping = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    _raw("UPDATE inventory_modelversion SET stage = 'retired' WHERE id = %s", [skipping.pk])
    draft = ModelVersionFactory(stage=ModelStage.DRAFT)
    _raw("UPDATE inventory_modelversion SET artifact_uri = 's3://new' WHERE id = %s", [draft.pk])
    draft.refresh_from_db()
    assert draft.artifact_uri == "s3://new"


def test_queryset_update_bulk_update_and_delete_of_the_version_are_refused(frozen):
    rows = ModelVersion.objects.filter(pk=frozen.pk)
    with pytest.raises(ValidationError, match="frozen"):
        rows.update(artifact_uri="s3://elsewhere")
    frozen.artifact_uri = "s3://elsewhere"
    with pytest.raises(ValidationError, match="frozen"):
        ModelVersion.objects.bulk_update([frozen], ["artifact_uri"])
    with pytest.raises(ValidationError, match="never deleted"):
        rows.delete()
    assert rows.get().artifact_uri == "s3://m/1"
