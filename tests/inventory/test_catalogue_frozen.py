"""Rules that hold on every path, not only through the services (house style, rule 5):
a version that reached production is frozen, and a model that ever did is never deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.models.governed import update_audited
from inventory.choices import ModelStage
from inventory.models import MLModel, ModelVersion
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return ModelVersionFactory(stage=ModelStage.PRODUCTION, artifact_uri="s3://m/1")


def test_orm_save_of_a_changed_field_is_refused(live):
    live.artifact_uri = "s3://elsewhere"
    with pytest.raises(ValidationError, match="frozen"):
        live.save()
    live.refresh_from_db()
    assert live.artifact_uri == "s3://m/1"


def test_stage_may_still_move_on(live):
    live.stage = ModelStage.DEPRECATED
    live.save()
    live.stage = ModelStage.RETIRED
    live.save(update_fields=["stage", "updated_at"])
    live.refresh_from_db()
    assert live.stage == ModelStage.RETIRED


def test_audited_bulk_update_is_refused(live):
    with pytest.raises(ValidationError, match="frozen"):
        update_audited(ModelVersion.objects.filter(pk=live.pk), reason="x",
                       artifact_uri="s3://elsewhere")
    update_audited(ModelVersion.objects.filter(pk=live.pk), reason="Deprecated",
                   stage=ModelStage.DEPRECATED)
    live.refresh_from_db()
    assert (live.artifact_uri, live.stage) == ("s3://m/1", ModelStage.DEPRECATED)


def test_draft_versions_stay_editable():
    draft = ModelVersionFactory(stage=ModelStage.DRAFT)
    draft.description = "Fixed a typo"
    draft.save()
    update_audited(ModelVersion.objects.filter(pk=draft.pk), reason="x", description="Again")


def test_frozen_version_and_its_model_cannot_be_deleted_by_the_orm(live):
    with pytest.raises(ValidationError):
        live.delete()
    with pytest.raises(ValidationError):
        ModelVersion.objects.filter(pk=live.pk).delete()
    model = MLModel.objects.get(pk=live.model_id)
    assert model.ever_in_production
    with pytest.raises(ValidationError):
        model.delete()
    with pytest.raises(ValidationError):
        MLModel.objects.filter(pk=model.pk).delete()
    assert ModelVersion.objects.filter(pk=live.pk).exists()


def test_a_model_put_in_production_directly_is_marked_and_kept():
    model = MLModelFactory(name="credit-live-xgb", stage=ModelStage.STAGING)
    model.stage = ModelStage.PRODUCTION
    model.save(update_fields=["stage"])
    model.refresh_from_db()
    assert model.ever_in_production
    with pytest.raises(ValidationError):
        model.delete()
