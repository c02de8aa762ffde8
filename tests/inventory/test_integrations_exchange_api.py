"""The exchange endpoints: export (JSON/CSV, logged as an export) and all-or-nothing import."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessEvent
from inventory.models import MLModel
from tests.factories.catalogue import MLModelFactory, TeamFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("inventory-api:exchange-export")
IMPORT = reverse("inventory-api:exchange-import")


@pytest.fixture
def admin_client(platform_admin, api_client_for):
    MLModelFactory(name="credit-default-xgb", team=TeamFactory(slug="credit-risk"))
    return api_client_for(platform_admin)


def test_export_json_and_csv_are_logged_as_exports(admin_client):
    document = admin_client.get(EXPORT, {"section": "models"}).json()
    assert [m["name"] for m in document["models"]] == ["credit-default-xgb"]
    response = admin_client.get(EXPORT, {"section": "models", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0].startswith("name,purpose,")
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == 2
    assert admin_client.get(EXPORT, {"format": "csv"}).status_code == 400
    assert admin_client.get(EXPORT, {"section": "gadgets"}).status_code == 400


def test_round_trip_over_the_api(admin_client):
    document = admin_client.get(EXPORT).json()
    report = admin_client.post(IMPORT, document, format="json")
    assert report.status_code == 200, report.json()
    assert (report.json()["written"], report.json()["unchanged"]) == (True, 1)
    csv_text = admin_client.get(EXPORT, {"section": "models", "format": "csv"}).content
    report = admin_client.post(IMPORT + "?section=models", csv_text, content_type="text/csv")
    assert report.status_code == 200 and report.json()["unchanged"] == 1, report.json()


def test_bad_row_is_a_400_listing_row_errors_and_writes_nothing(admin_client):
    count, history = MLModel.objects.count(), MLModel.history.count()
    response = admin_client.post(IMPORT, {"models": [
        {"name": "credit-default-xgb", "purpose": "Changed purpose"},
        {"name": "credit-default-xgb", "owner": "nobody"}]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["written"] is False
    assert [(e["row"], sorted(e["errors"])) for e in body["errors"]] == [(2, ["owner"])]
    assert (MLModel.objects.count(), MLModel.history.count()) == (count, history)
    assert MLModel.objects.get().purpose != "Changed purpose"


def test_anonymous_is_refused(api_client):
    assert api_client.get(EXPORT).status_code == 401
    assert api_client.post(IMPORT, {}, format="json").status_code == 401
