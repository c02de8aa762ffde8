"""The reproducibility page flags what changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.services.versions import model_version_datasets_link
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.lineage.conftest import _browser

pytestmark = pytest.mark.django_db


def test_reproducibility_page_flags_changes(platform_admin):
    data = DatasetVersionFactory(sha256="1" * 64)
    version = ModelVersionFactory(training_environment="")
    model_version_datasets_link(version=version, actor=None, reason="t",
                                links=[{"dataset_version": data, "role": "train"}])
    page = _browser(platform_admin).get(reverse("lineage:reproducibility", args=[version.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Not reproducible as recorded" in html and "No training environment" in html
    assert "Unchanged" in html
