"""Integrity in the API: on-demand verification and the findings filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from lineage.models import IntegrityFinding
from tests.factories.catalogue import DatasetVersionFactory

pytestmark = pytest.mark.django_db

CONTENT = b"id,income\n1,52000\n2,61000\n"


def test_verify_api_needs_change_and_reports(tmp_path: Path, model_owner, auditor, api_client_for):
    from django.urls import reverse

    data = tmp_path / "export.csv"
    data.write_bytes(CONTENT)
    version = DatasetVersionFactory(uri=data.as_uri(), sha256="0" * 64)
    url = reverse("lineage-api:verify", args=[version.pk])
    assert api_client_for(auditor).post(url).status_code == 403
    answer = api_client_for(model_owner).post(url)
    assert answer.status_code == 200
    assert answer.json()["matches"] is False and answer.json()["findingId"]
    assert IntegrityFinding.objects.get().dataset_version == version


def test_findings_api_refuses_ids_out_of_range(platform_admin, api_client_for):
    client = api_client_for(platform_admin)
    url = reverse("lineage-api:integrityfinding-list")
    for value in ("-1", str(2**70), "1.5", "x"):
        answer = client.get(url, {"dataset_version": value})
        assert answer.status_code == 400, value
        assert "dataset_version" in answer.json()["error"]["fields"]
    assert client.get(url, {"model_version": "7"}).status_code == 200
