"""The findings board and a finding's page: filters, sort, CSV, run now, upload a listing,
work on a finding and record a review; each refused to a user without the right."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import JobRun
from governance.choices import FindingStatus
from governance.models import RealityListing
from inventory.choices import RiskTier
from tests.factories.catalogue import MLModelFactory
from tests.factories.reconciliation import FindingFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("governance:finding_list")


def test_board_lists_filters_sorts_and_exports(client, compliance_officer) -> None:
    FindingFactory(subject="pricing-elasticity", kind="stale")
    FindingFactory(subject="shadow-gbm running in production", kind="unauthorised",
                   key="unauthorised:x", model=None)
    client.force_login(compliance_officer)
    page = client.get(BOARD)
    assert page.status_code == 200
    text = page.content.decode()
    assert "pricing-elasticity" in text and "shadow-gbm" in text
    assert "Run reconciliation now" in text and "finding-summary-data" in text

    filtered = client.get(BOARD, {"kind": "unauthorised", "sort": "-due_on"}).content.decode()
    assert "shadow-gbm" in filtered and "pricing-elasticity" not in filtered

    export = client.get(BOARD, {"kind": "stale", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:3] == ["Kind", "About", "Status"] and rows[1][1] == "pricing-elasticity"


def test_board_refused_without_the_permission(client, refused_user) -> None:
    client.force_login(refused_user)
    assert client.get(BOARD).status_code == 403


def test_confidential_models_findings_stay_hidden(client, compliance_officer) -> None:
    hidden = FindingFactory(model=MLModelFactory(confidential=True), subject="secret-model")
    client.force_login(compliance_officer)
    assert "secret-model" not in client.get(BOARD).content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_run_now_starts_a_job_and_goes_to_its_progress(client, compliance_officer,
                                                       auditor) -> None:
    url = reverse("governance:reconciliation_run")
    client.force_login(auditor)
    assert client.post(url).status_code == 403
    client.force_login(compliance_officer)
    response = client.post(url)
    run = JobRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()


def test_work_form_saves_and_refuses_bad_input(client, compliance_officer) -> None:
    finding = FindingFactory()
    client.force_login(compliance_officer)
    refused = client.post(finding.get_absolute_url(), {"status": "resolved", "reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    saved = client.post(finding.get_absolute_url(), {"status": "resolved",
                                                     "reason": "Owner appointed"})
    assert saved.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED


def test_review_recorded_from_a_stale_finding(client, compliance_officer, auditor) -> None:
    model = MLModelFactory(risk_tier=RiskTier.HIGH)
    finding = FindingFactory(model=model)
    client.force_login(auditor)
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "review-form" not in page and "work-form" not in page
    client.force_login(compliance_officer)
    assert 'data-testid="review-form"' in client.get(finding.get_absolute_url()).content.decode()
    future = client.post(finding.get_absolute_url(), {"record_review": "1",
                                                      "reviewed_on": "2999-01-01",
                                                      "reason": "Reviewed"})
    assert future.status_code == 200 and "future" in future.content.decode()
    response = client.post(finding.get_absolute_url(), {"record_review": "1",
                                                        "reason": "Fit for purpose"})
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.last_reviewed_on is not None


def test_listing_upload_page(client, compliance_officer, auditor) -> None:
    url = reverse("governance:listing_upload")
    client.force_login(auditor)
    assert client.get(url).status_code == 403
    client.force_login(compliance_officer)
    bad = client.post(url, {"kind": "serving_platform", "source": "k8s",
                            "file": SimpleUploadedFile("x.csv", b"colour\nred\n")})
    assert bad.status_code == 200 and "header row" in bad.content.decode()
    assert not RealityListing.objects.exists()
    good = client.post(url, {"kind": "serving_platform", "source": "k8s", "file":
                             SimpleUploadedFile("x.csv", b"model_name,environment\nm,production\n")})
    assert good.status_code == 302 and RealityListing.objects.get().item_count == 1


def test_model_page_shows_its_findings_and_review(client, compliance_officer) -> None:
    model = MLModelFactory(name="pricing-elasticity", risk_tier=RiskTier.HIGH)
    FindingFactory(model=model, subject="pricing-elasticity")
    client.force_login(compliance_officer)
    page = client.get(model.get_absolute_url()).content.decode()
    assert "Reviews and reconciliation findings" in page
    assert 'data-testid="model-findings"' in page and "next review due" in page
