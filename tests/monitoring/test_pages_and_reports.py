"""The monitoring pages and the cost doors: each page renders for a role that may read it
and refuses one that may not; the CSV bill upload (API and page) stores all or nothing; the
monthly report adds up in JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.choices import DeploymentStatus, ModelStage
from monitoring.choices import CostScope, HealthProblem
from monitoring.models import CostRecord
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.fleet import CostRecordFactory, DeploymentEventFactory, HealthFindingFactory
from tests.factories.lifecycle import DeploymentFactory

pytestmark = pytest.mark.django_db
HEADER = "month,scope,model,deployment,category,amount,project,description,reference\n"
PAGES = ["monitoring:fleet", "monitoring:health", "monitoring:deploymentevent_list",
         "monitoring:costrecord_list", "monitoring:cost_report"]


@pytest.fixture
def month_of_costs():
    team = TeamFactory(name="Credit risk", business_unit="Retail banking")
    model = MLModelFactory(name="credit-default-xgb", team=team)
    version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    deployment = DeploymentFactory(model_version=version, region="eu-west-1", segment="retail")
    DeploymentFactory(model_version=version, region="us-east-1", segment="smb",
                      status=DeploymentStatus.UNAUTHORISED)
    DeploymentEventFactory(deployment=deployment)
    HealthFindingFactory(deployment=deployment, problem=HealthProblem.STALE)
    CostRecordFactory(model=model, amount=Decimal("1250.40"))
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("99.99"), project="")
    return model


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_a_reader_and_refuse_a_user_without_rights(page, client, auditor,
                                                                    refused_user,
                                                                    month_of_costs):
    client.force_login(auditor)
    response = client.get(reverse(page))
    assert response.status_code == 200
    client.force_login(refused_user)
    assert client.get(reverse(page)).status_code == 403


def test_fleet_matrix_shows_each_version_by_region_and_segment(client, auditor, month_of_costs):
    client.force_login(auditor)
    html = client.get(reverse("monitoring:fleet")).content.decode()
    assert "eu-west-1" in html and "us-east-1" in html
    assert "retail" in html and "smb" in html and "Unauthorised" in html


def test_health_board_counts_open_findings(client, auditor, month_of_costs):
    client.force_login(auditor)
    response = client.get(reverse("monitoring:health"))
    stale = next(p for p in response.context["problems"] if p["value"] == HealthProblem.STALE)
    assert stale["count"] == 1
    assert response.context["monitored"] == 2


def test_cost_report_json_csv_and_pdf_add_up(client, api_client_for, compliance_officer,
                                             month_of_costs):
    body = api_client_for(compliance_officer).get(
        reverse("monitoring-api:cost-report", args=["2026-03"])).json()
    assert body["recorded_total"] == body["allocated_total"] == "1350.39"
    bad = api_client_for(compliance_officer).get(
        reverse("monitoring-api:cost-report", args=["March"]))
    assert bad.status_code == 400 and "month" in bad.json()["error"]["fields"]

    client.force_login(compliance_officer)
    url = reverse("monitoring:cost_report")
    exported = client.get(url, {"month": "2026-03", "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert sum(Decimal(r["total"]) for r in rows[:-1]) == Decimal(rows[-1]["total"]) == Decimal(
        "1350.39")
    pdf = client.get(url, {"month": "2026-03", "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    page = client.get(url, {"month": "not-a-month"})
    assert page.status_code == 200 and "YYYY-MM" in page.content.decode()


def test_cost_report_needs_the_role_not_one_grant(client, refused_user, month_of_costs):
    from guardian.shortcuts import assign_perm

    assign_perm("monitoring.view_costrecord", refused_user, CostRecord.objects.first())
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:cost_report")).status_code == 403


def test_upload_over_the_api_all_or_nothing(api_client_for, platform_admin, data_scientist,
                                            month_of_costs):
    client = api_client_for(platform_admin)
    url = reverse("monitoring-api:costrecord-upload")
    good = HEADER + "2026-04,model,credit-default-xgb,,compute,10.00,,,apr-1\n"
    bad = good.replace("apr-1", "apr-2") + "2026-04,model,credit-default-xgb,,compute,ten,,,\n"
    before = CostRecord.objects.count()

    refused = client.post(url, bad, content_type="text/csv")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["rows"][0].startswith("row 2: amount:")
    assert CostRecord.objects.count() == before

    stored = client.post(url + "?change_reason=April+bill", good, content_type="text/csv")
    assert stored.status_code == 201 and stored.json() == {"stored": 1, "total": "10.00"}
    assert api_client_for(data_scientist).post(url, good, content_type="text/csv"
                                               ).status_code == 403


def test_upload_page_lists_bad_rows_and_stores_nothing(client, platform_admin, month_of_costs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(platform_admin)
    url = reverse("monitoring:cost_upload")
    bad = SimpleUploadedFile("april.csv", (HEADER + "2026-04,model,nope,,compute,1.00,,,\n")
                             .encode(), content_type="text/csv")
    before = CostRecord.objects.count()
    response = client.post(url, {"file": bad, "change_reason": "April"})
    assert response.status_code == 200
    assert "row 1: model: No model named “nope”" in response.content.decode()
    assert CostRecord.objects.count() == before

    good = SimpleUploadedFile("april.csv", (HEADER + "2026-04,shared,,,network,5.00,,,\n")
                              .encode(), content_type="text/csv")
    response = client.post(url, {"file": good, "change_reason": "April"})
    assert response.status_code == 302
    assert CostRecord.objects.count() == before + 1


def test_upload_page_refuses_a_reader(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("monitoring:cost_upload")).status_code == 403


def _grow_fleet(count: int) -> None:
    for index in range(count):
        version = ModelVersionFactory(model=MLModelFactory(team=TeamFactory()),
                                      stage=ModelStage.PRODUCTION)
        deployment = DeploymentFactory(model_version=version, segment=f"segment-{index % 3}")
        DeploymentEventFactory(deployment=deployment)
        HealthFindingFactory(deployment=deployment)
        CostRecordFactory(model=version.model)
        CostRecordFactory(scope=CostScope.SHARED, model=None)


@pytest.mark.parametrize("page", PAGES)
def test_pages_take_the_same_queries_at_n_and_3n_rows(page, client, auditor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(auditor)
    url = reverse(page) + ("?month=2026-03" if page == "monitoring:cost_report" else "")
    counts = []
    for more in (3, 6):
        _grow_fleet(more)
        client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], (page, counts)
    assert counts[1] <= 20, (page, counts)


def test_the_models_page_shows_its_open_health_findings(client, auditor, month_of_costs):
    client.force_login(auditor)
    html = client.get(month_of_costs.get_absolute_url()).content.decode()
    assert "Monitoring health" in html and "Stopped reporting (stale)" in html
