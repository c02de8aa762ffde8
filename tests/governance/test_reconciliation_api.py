"""Reconciliation in the API: working on a finding, starting a run, listings POSTed as
JSON or uploaded as a file; each refused for a user without the right, and bad input a 400
naming the field with nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import JobRun
from governance.choices import FindingStatus
from governance.models import Finding, RealityItem, RealityListing
from governance.services.reconciliation import RECONCILE_JOB
from tests.factories.reconciliation import FindingFactory

pytestmark = pytest.mark.django_db


def _work(client, finding, payload):
    return client.post(f"/api/v1/findings/{finding.pk}/work/", payload, format="json")


def test_compliance_officer_works_on_a_finding_with_history(api_client_for,
                                                            compliance_officer) -> None:
    finding = FindingFactory()
    response = _work(api_client_for(compliance_officer), finding,
                     {"status": "in_progress", "reason": "Review booked for Friday",
                      "owner": compliance_officer.username})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert response.json()["owner"] == compliance_officer.username
    row = finding.history.first()
    assert (row.history_user, row.history_change_reason) == (compliance_officer,
                                                             "Review booked for Friday")


@pytest.mark.parametrize(("payload", "field"), [
    ({"status": "closed", "reason": "Done"}, "status"),
    ({"status": "in_progress"}, "reason"),
    ({"due_on": "2001-01-01", "reason": "Later"}, "due_on"),
    ({"owner": "nobody-of-that-name", "reason": "Hand over"}, "owner"),
])
def test_bad_work_is_400_naming_the_field(api_client_for, compliance_officer, payload,
                                          field) -> None:
    finding = FindingFactory()
    response = _work(api_client_for(compliance_officer), finding, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.history.count() == 1


def test_work_is_refused_without_the_right_and_hidden_findings_are_404(
        api_client, api_client_for, auditor, refused_user) -> None:
    finding = FindingFactory()
    payload = {"status": "in_progress", "reason": "Mine"}
    assert _work(api_client, finding, payload).status_code == 401
    assert _work(api_client_for(refused_user), finding, payload).status_code == 403
    assert _work(api_client_for(auditor), finding, payload).status_code == 403
    assert Finding.objects.get().status == FindingStatus.OPEN


def test_run_now_queues_a_job_for_those_allowed(api_client, api_client_for,
                                                compliance_officer, auditor) -> None:
    url = "/api/v1/reconciliation/run"
    assert api_client.post(url).status_code == 401
    assert api_client_for(auditor).post(url).status_code == 403
    assert not JobRun.objects.exists()
    response = api_client_for(compliance_officer).post(url)
    assert response.status_code == 202, response.content
    run = JobRun.objects.get(pk=response.json()["id"])
    assert (run.name, run.user, run.status) == (RECONCILE_JOB, compliance_officer, "queued")


def test_listing_uploaded_as_csv_and_as_json(api_client_for, compliance_officer) -> None:
    client = api_client_for(compliance_officer)
    csv_file = SimpleUploadedFile("endpoints.csv", (
        b"model_name,version,environment,region,endpoint\n"
        b"credit-default-xgb,3,production,eu-west-1,https://scoring.internal/v3\n"
        b"shadow-model,,staging,,\n"), content_type="text/csv")
    response = client.post("/api/v1/reality-listings/", {
        "kind": "serving_platform", "source": "k8s-eu", "file": csv_file}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["item_count"] == 2 and response.json()["file_name"] == "endpoints.csv"
    assert sorted(RealityItem.objects.values_list("model_name", "version")) == [
        ("credit-default-xgb", 3), ("shadow-model", None)]

    json_file = SimpleUploadedFile("bucket.json", b'[{"artifact_uri": "s3://models/x.bin"}]',
                                   content_type="application/json")
    response = client.post("/api/v1/reality-listings/", {
        "kind": "artifact_store", "source": "s3-models", "file": json_file}, format="multipart")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(("content", "field"), [
    (b"colour,size\nred,1\n", "file"),
    (b"\xff\xfe\x00garbage", "file"),
    (b'{"items": "nope"}', "file"),
    (b"model_name,version,environment\nx,1,moon\n", "items[1]"),
])
def test_bad_listing_files_are_400_and_write_nothing(api_client_for, compliance_officer,
                                                     content, field) -> None:
    upload = SimpleUploadedFile("listing.csv", content)
    response = api_client_for(compliance_officer).post("/api/v1/reality-listings/", {
        "kind": "serving_platform", "source": "k8s-eu", "file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not RealityListing.objects.exists() and not RealityItem.objects.exists()


def test_listing_needs_items_or_a_file(api_client_for, compliance_officer) -> None:
    response = api_client_for(compliance_officer).post(
        "/api/v1/reality-listings/", {"kind": "serving_platform", "source": "k8s"},
        format="json")
    assert response.status_code == 400
    assert "items" in response.json()["error"]["fields"]


def test_findings_list_filters(api_client_for, compliance_officer) -> None:
    FindingFactory(kind="stale")
    FindingFactory(kind="orphaned", key="orphaned:1")
    client = api_client_for(compliance_officer)
    response = client.get("/api/v1/findings/", {"kind": "orphaned"})
    assert [f["kind"] for f in response.json()["results"]] == ["orphaned"]
    assert client.get("/api/v1/findings/", {"overdue": "maybe"}).status_code == 400
