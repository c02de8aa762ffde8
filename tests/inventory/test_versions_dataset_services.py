"""`dataset_version_update`: corrections validated once, with history; a dataset version a
frozen model version was built from refuses every change (409 in the API)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import ConflictError
from inventory.choices import ModelStage
from inventory.models import ModelVersionDataset
from inventory.services import versions
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db


def _used_by_production(version):
    model_version = ModelVersionFactory(stage=ModelStage.STAGING)
    ModelVersionDataset.objects.create(model_version=model_version, dataset_version=version,
                                       role="train", checksum_at_link=version.sha256)
    model_version.stage = ModelStage.PRODUCTION
    model_version.save()


def test_update_writes_history_with_actor_and_reason(platform_admin):
    version = DatasetVersionFactory(row_count=1)

    versions.dataset_version_update(version=version, actor=platform_admin, reason="Recounted",
                                    data={"row_count": 5})

    version.refresh_from_db()
    assert version.row_count == 5
    record = version.history.first()
    assert (record.history_user, record.history_change_reason) == (platform_admin, "Recounted")


def test_update_refuses_bad_values_and_managed_fields_writing_nothing(platform_admin):
    version = DatasetVersionFactory()
    rows = version.history.count()

    with pytest.raises(ValidationError) as error:
        versions.dataset_version_update(version=version, actor=platform_admin, reason="x",
                                        data={"sha256": "nope", "schema": {"type": 12}})
    assert {"sha256", "schema"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        versions.dataset_version_update(version=version, actor=platform_admin, reason="x",
                                        data={"version": 7})
    assert "version" in error.value.message_dict
    assert version.history.count() == rows


def test_a_version_used_by_a_production_model_version_is_frozen(platform_admin, api_client):
    version = DatasetVersionFactory()
    _used_by_production(version)

    with pytest.raises(ConflictError, match="frozen"):
        versions.dataset_version_update(version=version, actor=platform_admin, reason="x",
                                        data={"row_count": 3})
    api_client.force_authenticate(platform_admin)
    response = api_client.patch(
        reverse("inventory-api:datasetversion-detail", args=[version.pk]),
        {"row_count": 3, "change_reason": "x"}, format="json")

    assert response.status_code == 409
    version.refresh_from_db()
    assert version.row_count is None
