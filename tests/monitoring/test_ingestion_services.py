"""Batch ingestion: 10,000 rows in one call, all or nothing, each bad row named by index and
reason, `observed_at` bounded, and the right to report checked per model at every door."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from inventory.models import MetricObservation
from inventory.services.catalogue import mlmodel_reporting_grant
from monitoring.models import MetricBatch
from monitoring.services.ingestion import metric_batch_ingest
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.lifecycle import DeploymentFactory

pytestmark = pytest.mark.django_db

BATCH_URL = "monitoring-api:metricbatch-list"


def rows(version, count: int, *, deployment=None, start=None) -> list[dict]:
    start = start or timezone.now() - datetime.timedelta(hours=2)
    return [{"model_version": version.pk, "deployment": deployment.pk if deployment else None,
             "name": ("auc", "p99_ms", "requests", "cpu")[i % 4],
             "kind": ("performance", "latency", "usage", "resources")[i % 4],
             "value": 0.5 + (i % 100) / 1000,
             "observed_at": (start + datetime.timedelta(seconds=i // 4)).isoformat()}
            for i in range(count)]


def test_one_call_stores_ten_thousand_observations(credit, api_client_for):
    payload = {"source": "prometheus", "observations": rows(credit["version"], 10_000,
                                                            deployment=credit["deployment"])}
    response = api_client_for(credit["service"]).post(reverse(BATCH_URL), payload,
                                                      format="json")
    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert body["row_count"] == 10_000
    assert body["model_versions"] == [credit["version"].pk]
    assert MetricObservation.objects.filter(model_version=credit["version"]).count() == 10_000
    stored = MetricObservation.objects.filter(name="p99_ms").first()
    assert (stored.kind, stored.deployment_id, stored.source) == (
        "latency", credit["deployment"].pk, "prometheus")
    batch = MetricBatch.objects.get(pk=body["id"])
    assert batch.submitted_by == credit["service"]


def test_a_batch_with_one_bad_row_stores_nothing_and_names_the_row(credit, api_client_for):
    observations = rows(credit["version"], 500)
    observations[137]["value"] = "high"
    observations[402]["observed_at"] = "yesterday"
    response = api_client_for(credit["service"]).post(
        reverse(BATCH_URL), {"observations": observations}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["observations[137].value"] == ["A finite number."]
    assert "ISO 8601" in fields["observations[402].observed_at"][0]
    assert len(fields) == 2
    assert MetricObservation.objects.count() == 0
    assert MetricBatch.objects.count() == 0


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"value": float("inf")}, "value", "finite"),
    ({"value": True}, "value", "finite"),
    ({"value": 10**400}, "value", "finite"),
    ({"name": "auc\x00"}, "name", "1 to 60"),
    ({"model_version": 2**63}, "model_version", "whole number"),
    ({"name": ""}, "name", "required"),
    ({"name": "x" * 61}, "name", "1 to 60"),
    ({"kind": "mood"}, "kind", "Choose one of"),
    ({"model_version": "seven"}, "model_version", "whole number"),
    ({"model_version": 999_999_999}, "model_version", "No model version"),
    ({"deployment": 999_999_999}, "deployment", "No deployment"),
    ({"colour": "red"}, "colour", "Unknown field"),
    ({"source": 12}, "source", "Text"),
])
def test_each_kind_of_bad_row_is_named(credit, change, field, words):
    observations = rows(credit["version"], 3)
    observations[1].update(change)
    with pytest.raises(ValidationError) as refused:
        metric_batch_ingest(actor=credit["service"], rows=observations)
    messages = refused.value.message_dict[f"observations[1].{field}"]
    assert words in messages[0]
    assert MetricObservation.objects.count() == 0


def test_observed_at_is_bounded_by_the_clock_skew_and_the_retention(credit, settings):
    settings.CUSTODIA_METRIC_CLOCK_SKEW_SECONDS = 60
    settings.CUSTODIA_METRIC_RAW_RETENTION_DAYS = 30
    now = timezone.now()
    observations = rows(credit["version"], 3)
    observations[0]["observed_at"] = (now + datetime.timedelta(seconds=30)).isoformat()  # skew
    observations[1]["observed_at"] = (now + datetime.timedelta(minutes=5)).isoformat()
    observations[2]["observed_at"] = (now - datetime.timedelta(days=31)).isoformat()
    with pytest.raises(ValidationError) as refused:
        metric_batch_ingest(actor=credit["service"], rows=observations)
    errors = refused.value.message_dict
    assert "observations[0].observed_at" not in errors
    assert "future" in errors["observations[1].observed_at"][0]
    assert "retention" in errors["observations[2].observed_at"][0]


def test_a_time_without_offset_is_utc(credit):
    observations = rows(credit["version"], 1)
    observations[0]["observed_at"] = "2026-01-01T10:00:00"
    with pytest.raises(ValidationError):  # older than the 90-day retention from "now"
        metric_batch_ingest(actor=credit["service"], rows=observations)
    recent = (timezone.now() - datetime.timedelta(hours=1)).replace(tzinfo=None, microsecond=0)
    observations[0]["observed_at"] = recent.isoformat()
    metric_batch_ingest(actor=credit["service"], rows=observations)
    assert MetricObservation.objects.get().observed_at == recent.replace(tzinfo=datetime.UTC)


def test_empty_and_oversized_batches_are_refused(credit, settings):
    settings.CUSTODIA_METRIC_BATCH_MAX_ROWS = 10
    for bad in ([], "rows", rows(credit["version"], 11)):
        with pytest.raises(ValidationError) as refused:
            metric_batch_ingest(actor=credit["service"], rows=bad)
        assert "observations" in refused.value.message_dict
    assert MetricObservation.objects.count() == 0


def test_a_deployment_of_another_version_is_refused(credit):
    other = DeploymentFactory(model_version=ModelVersionFactory(model=credit["model"]))
    observations = rows(credit["version"], 2, deployment=other)
    with pytest.raises(ValidationError) as refused:
        metric_batch_ingest(actor=credit["service"], rows=observations)
    assert "runs another version" in refused.value.message_dict[
        "observations[0].deployment"][0]


def test_validation_is_set_based(credit, django_assert_max_num_queries):
    """Checking 2,000 rows costs a handful of queries, not one per row."""
    observations = rows(credit["version"], 2_000, deployment=credit["deployment"])
    observations[-1]["value"] = "x"
    with django_assert_max_num_queries(8), pytest.raises(ValidationError):
        metric_batch_ingest(actor=credit["service"], rows=observations)


# --------------------------------------------------------------------------------------
# The right to report, at every door
# --------------------------------------------------------------------------------------
def test_a_data_scientist_of_another_team_is_refused_by_the_service(credit):
    with pytest.raises(PermissionDenied) as refused:
        metric_batch_ingest(actor=credit["outsider"], rows=rows(credit["version"], 3))
    assert "team" in str(refused.value)
    assert MetricObservation.objects.count() == 0


def test_one_foreign_row_refuses_the_whole_batch(credit):
    foreign = ModelVersionFactory()  # a model of no team of the service account
    observations = rows(credit["version"], 5) + rows(foreign, 1)
    with pytest.raises(PermissionDenied) as refused:
        metric_batch_ingest(actor=credit["service"], rows=observations)
    assert "rows 5" in str(refused.value)
    assert MetricObservation.objects.count() == 0


def test_a_reporting_grant_lets_an_outsider_report(credit):
    mlmodel_reporting_grant(model=credit["model"], user=credit["outsider"], actor=None,
                            reason="The fraud team's monitor reports for credit too")
    metric_batch_ingest(actor=credit["outsider"], rows=rows(credit["version"], 2))
    assert MetricObservation.objects.count() == 2


def test_the_batch_api_refuses_another_teams_data_scientist(credit, api_client_for):
    response = api_client_for(credit["outsider"]).post(
        reverse(BATCH_URL), {"observations": rows(credit["version"], 10)}, format="json")
    assert response.status_code == 403
    assert MetricObservation.objects.count() == 0 and MetricBatch.objects.count() == 0


def test_the_single_version_endpoint_refuses_another_teams_data_scientist(credit,
                                                                           api_client_for):
    response = api_client_for(credit["outsider"]).post(
        reverse("inventory-api:cicd-metrics-attach", args=[credit["version"].pk]),
        {"metrics": {"auc": 0.8}}, format="json")
    assert response.status_code == 403
    assert MetricObservation.objects.count() == 0


def test_no_door_writes_observations_from_the_admin(credit, client, platform_admin):
    client.force_login(platform_admin)
    response = client.get(reverse("admin:inventory_metricobservation_add"))
    assert response.status_code == 403


def test_an_anonymous_batch_is_refused(credit, api_client):
    response = api_client.post(reverse(BATCH_URL),
                               {"observations": rows(credit["version"], 1)}, format="json")
    assert response.status_code == 401


def test_a_sender_reads_its_own_receipts_only(credit, api_client_for):
    metric_batch_ingest(actor=credit["service"], rows=rows(credit["version"], 2))
    own = api_client_for(credit["service"]).get(reverse(BATCH_URL)).json()
    assert own["count"] == 1
    assert api_client_for(credit["outsider"]).get(reverse(BATCH_URL)).status_code == 403
