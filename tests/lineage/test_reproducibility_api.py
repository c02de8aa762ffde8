"""The reproducibility record in the API: data checksums then and now, code and
environment, gaps, hidden versions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.models import DatasetVersion
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.factories.lineage import IntegrityFindingFactory
from tests.lineage.conftest import _trained

pytestmark = pytest.mark.django_db


def test_reproducibility_record_flags_changes_and_gaps(platform_admin, api_client_for):
    same = DatasetVersionFactory(sha256="1" * 64)
    changed = DatasetVersionFactory(sha256="2" * 64)
    tampered = DatasetVersionFactory(sha256="3" * 64)
    version = _trained(same, changed, tampered, training_environment="")
    from core.models.governed import update_audited

    update_audited(DatasetVersion.objects.filter(pk=changed.pk), reason="t", sha256="4" * 64)
    IntegrityFindingFactory(dataset_version=tampered)

    answer = api_client_for(platform_admin).get(
        reverse("lineage-api:reproducibility", args=[version.pk]))
    assert answer.status_code == 200
    body = answer.json()
    assert body["reproducible"] is False
    assert body["code"]["commit"] == version.code_commit
    assert body["problems"] == ["No training environment is recorded."]
    rows = {row["datasetVersionId"]: row for row in body["datasets"]}
    assert rows[same.pk]["problems"] == []
    assert rows[changed.pk]["checksumThen"] == "2" * 64
    assert rows[changed.pk]["checksumNow"] == "4" * 64 and rows[changed.pk]["problems"]
    assert "integrity finding" in rows[tampered.pk]["problems"][0]


def test_reproducibility_of_a_version_without_data(platform_admin, api_client_for):
    version = ModelVersionFactory(code_commit="")
    body = api_client_for(platform_admin).get(
        reverse("lineage-api:reproducibility", args=[version.pk])).json()
    assert set(body["problems"]) == {"No training data is linked to this version.",
                                     "No code commit is recorded."}


def test_reproducibility_of_a_hidden_version_is_404(data_scientist, api_client_for):
    version = ModelVersionFactory(model__confidential=True)
    answer = api_client_for(data_scientist).get(
        reverse("lineage-api:reproducibility", args=[version.pk]))
    assert answer.status_code == 404
