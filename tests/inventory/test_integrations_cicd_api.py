"""CI/CD endpoints with idempotency keys: a retried call never duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.models import IdempotencyRecord
from inventory.choices import ModelStage
from inventory.models import Deployment, MetricObservation, ModelVersion, WebhookDelivery
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory
from tests.factories.lifecycle import WebhookFactory

pytestmark = pytest.mark.django_db

SHA = "c" * 64


def version_body(model, **extra) -> dict:
    return {"model": model.pk, "artifact_uri": "s3://models/credit/7/model.bin",
            "artifact_sha256": SHA, "artifact_size": 1024, "training_date": "2026-10-01",
            "evaluation_metrics": {"auc": 0.83}, "code_commit": "a" * 40,
            "input_schema": {"type": "object"}, "output_schema": {"type": "object"},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU",
            "change_reason": "Build 4711", **extra}


@pytest.fixture
def pipeline(data_scientist, api_client_for):
    """A pipeline's client: a data scientist's token, on a model of their team."""
    client = api_client_for(data_scientist)
    # Monolithic: the bundle (artefact and SHA-256) is all a version must pin.
    model = MLModelFactory(name="credit-default-xgb", versioning_strategy="monolithic")
    for perm in ("change_mlmodel", "report_metrics_mlmodel", "report_deployment_mlmodel"):
        assign_perm(f"inventory.{perm}", data_scientist, model)
    return client, model


def register(client, body, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(reverse("inventory-api:cicd-model-version-register"), body,
                       format="json", **headers)


def test_retried_registration_gets_the_same_version(pipeline):
    client, model = pipeline
    first = register(client, version_body(model), key="build-4711-register")
    retry = register(client, version_body(model), key="build-4711-register")

    assert first.status_code == 201, first.content
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert (first["Idempotent-Replayed"], retry["Idempotent-Replayed"]) == ("false", "true")
    assert ModelVersion.objects.filter(model=model).count() == 1
    version = ModelVersion.objects.get(model=model)
    assert (first.json()["id"], first.json()["version"]) == (version.pk, 1)
    assert version.history.first().history_change_reason == "Build 4711"


def test_same_key_different_body_is_a_conflict_and_writes_nothing(pipeline):
    client, model = pipeline
    register(client, version_body(model), key="k-1")
    response = register(client, version_body(model, artifact_size=2048), key="k-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert ModelVersion.objects.filter(model=model).count() == 1


def test_without_a_key_each_call_registers_and_keys_are_per_call(pipeline):
    client, model = pipeline
    register(client, version_body(model))
    register(client, version_body(model))
    register(client, version_body(model), key="a")
    register(client, version_body(model), key="b")
    assert list(ModelVersion.objects.filter(model=model).order_by("version")
                .values_list("version", flat=True)) == [1, 2, 3, 4]


def test_refused_registration_stores_no_key_so_a_fixed_retry_works(pipeline):
    client, model = pipeline
    bad = register(client, version_body(model, artifact_sha256="not-a-checksum"), key="k-2")
    assert bad.status_code == 400
    assert "artifact_sha256" in bad.json()["error"]["fields"]
    assert not IdempotencyRecord.objects.exists() and not ModelVersion.objects.exists()
    good = register(client, version_body(model), key="k-2-fixed")
    assert good.status_code == 201


def test_register_by_model_name_and_webhook_event(pipeline, django_capture_on_commit_callbacks):
    client, model = pipeline
    WebhookFactory(events=["model_version.registered"])
    body = version_body(model)
    del body["model"]
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, {**body, "model_name": "Credit-Default-XGB"}, key="by-name")
    assert response.status_code == 201, response.content
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload["data"]["model_version"]["id"] == response.json()["id"]
    unknown = register(client, {**body, "model_name": "no-such-model"})
    assert unknown.status_code == 400 and "model_name" in unknown.json()["error"]["fields"]


def test_cicd_refuses_anonymous_and_users_without_permission(api_client, api_client_for,
                                                             refused_user):
    model = MLModelFactory()
    assert register(api_client, version_body(model)).status_code == 401
    assert register(api_client_for(refused_user), version_body(model), key="x").status_code == 403
    assert not ModelVersion.objects.exists() and not IdempotencyRecord.objects.exists()


def test_idempotency_key_is_validated(pipeline):
    client, model = pipeline
    response = register(client, version_body(model), key="x" * 201)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_attach_metrics_once_per_key(pipeline):
    client, model = pipeline
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    url = reverse("inventory-api:cicd-metrics-attach", args=[version.pk])
    body = {"metrics": {"auc": 0.71, "ks": 0.4}, "source": "nightly-eval"}

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="eval-2026-11-26")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="eval-2026-11-26")

    assert first.status_code == 201, first.content
    assert retry.json() == first.json()
    assert sorted(MetricObservation.objects.values_list("name", "value")) == [
        ("auc", 0.71), ("ks", 0.4)]
    bad = client.post(url, {"metrics": {"auc": "high"}}, format="json")
    assert bad.status_code == 400 and "metrics.auc" in bad.json()["error"]["fields"]
    hidden = PinnedModelVersionFactory(model=MLModelFactory(confidential=True))
    response = client.post(reverse("inventory-api:cicd-metrics-attach", args=[hidden.pk]),
                           body, format="json")
    assert response.status_code == 404


def test_promotion_request_goes_through_the_state_machine(validator, api_client_for):
    client = api_client_for(validator)
    version = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    url = reverse("inventory-api:cicd-promotion", args=[version.pk])
    body = {"to_stage": "validated", "reason": "Independent validation passed"}

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="promote-1")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="promote-1")

    assert first.status_code == 200, first.content
    assert retry.status_code == 200 and retry["Idempotent-Replayed"] == "true"
    version.refresh_from_db()
    assert version.stage == ModelStage.VALIDATED
    assert version.history.filter(stage=ModelStage.VALIDATED).count() == 1
    illegal = client.post(url, {"to_stage": "retired", "reason": "x"}, format="json")
    assert illegal.status_code == 400
    assert "to_stage" in illegal.json()["error"]["fields"]


def test_promotion_refused_without_permission(pipeline):
    client, model = pipeline
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.REGISTERED)
    response = client.post(reverse("inventory-api:cicd-promotion", args=[version.pk]),
                           {"to_stage": "validated", "reason": "I validated it myself"},
                           format="json")
    assert response.status_code == 400
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED


def test_deployment_report_creates_then_updates_with_history(pipeline):
    client, model = pipeline
    WebhookFactory(events=["deployment.reported"])
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    url = reverse("inventory-api:cicd-deployment-report")
    body = {"model_version": version.pk, "environment": "production", "region": "eu-west-1",
            "segment": "retail", "endpoint": "https://scoring.internal/v7", "status": "active"}

    created = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="deploy-7")
    replay = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="deploy-7")
    same = client.post(url, body, format="json")
    stopped = client.post(url, {**body, "status": "stopped", "change_reason": "Rolled back"},
                          format="json")

    assert (created.status_code, replay.status_code, same.status_code, stopped.status_code) == (
        201, 201, 200, 200)
    deployment = Deployment.objects.get()
    assert deployment.status == "stopped"
    assert list(deployment.history.order_by("history_id").values_list(
        "status", "history_change_reason")) == [
        ("active", "Reported by a CI/CD pipeline"), ("stopped", "Rolled back")]
    bad = client.post(url, {**body, "endpoint": "ftp://x"}, format="json")
    assert bad.status_code == 400 and "endpoint" in bad.json()["error"]["fields"]
    assert Deployment.objects.count() == 1
    events = [d.payload["data"]["deployment"]["status"]
              for d in WebhookDelivery.objects.order_by("id")]
    assert events == ["active", "stopped"], "a repeated identical report is no event"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_register_once(data_scientist, api_client_for):
    """Two identical calls racing (a pipeline that timed out and retried at once): the second
    waits on the key's unique index, then replays the first (PostgreSQL row locks)."""
    import threading

    from django.db import connections

    from tests.services import has_postgresql, require

    require("postgresql", has_postgresql())
    model = MLModelFactory(name="credit-default-xgb", versioning_strategy="monolithic")
    assign_perm("inventory.change_mlmodel", data_scientist, model)
    barrier = threading.Barrier(4)
    answers: list = []

    def call() -> None:
        client = api_client_for(data_scientist)
        barrier.wait(timeout=10)
        try:
            answers.append(register(client, version_body(model), key="race-1"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert sorted(a["Idempotent-Replayed"] for a in answers) == ["false", "true", "true", "true"]
    assert ModelVersion.objects.filter(model=model).count() == 1


def test_registration_links_the_dataset_versions_used(pipeline):
    from tests.factories.catalogue import DatasetVersionFactory

    client, model = pipeline
    data = DatasetVersionFactory()
    response = register(client, version_body(model, datasets=[
        {"dataset_version": data.pk, "role": "train"}]), key="with-data")
    assert response.status_code == 201, response.content
    assert [(d["dataset_version"], d["role"]) for d in response.json()["datasets"]] == [
        (data.pk, "train")]
