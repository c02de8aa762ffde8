"""Reports in the API: generate, read, download (an access event), refused without rights."""

from __future__ import annotations

import hashlib

import pytest

from core.choices import AccessAction
from core.models import AccessEvent
from governance.models import Report
from tests.factories.catalogue import MLModelFactory
from tests.governance.reality import stores_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_generate_then_download_records_an_access_event(stores, api_client_for,
                                                        compliance_officer, auditor) -> None:
    MLModelFactory(name="credit-default-xgb")
    response = api_client_for(compliance_officer).post("/api/v1/reports/", {
        "template": "inventory-register", "format": "csv"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["requested_by"] == "compliance_officer" and len(body["sha256"]) == 64

    download = api_client_for(auditor).get(body["download_url"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    assert b"credit-default-xgb" in data
    event = AccessEvent.objects.get(action=AccessAction.DOWNLOAD)
    assert (event.user, event.object_id) == (auditor, str(body["id"]))


def test_bad_parameters_are_400_naming_the_parameter(stores, api_client_for,
                                                     compliance_officer) -> None:
    response = api_client_for(compliance_officer).post("/api/v1/reports/", {
        "template": "audit-extract", "format": "pdf",
        "parameters": {"start": "2026-05-01", "end": "2026-01-01"}}, format="json")
    assert response.status_code == 400, response.content
    assert "parameters.end" in response.json()["error"]["fields"]
    assert not Report.objects.exists()


def test_download_refused_without_rights(stores, api_client_for, compliance_officer,
                                         refused_user, api_client) -> None:
    response = api_client_for(compliance_officer).post("/api/v1/reports/", {
        "template": "inventory-register", "format": "csv"}, format="json")
    url = response.json()["download_url"]
    assert api_client.get(url).status_code == 401
    assert api_client_for(refused_user).get(url).status_code == 403
    assert not AccessEvent.objects.filter(action=AccessAction.DOWNLOAD).exists()
