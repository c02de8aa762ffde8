"""The deployment-event door: idempotent posts from the owning team's pipeline, field errors
for bad events, and a data scientist of another team refused at every door that writes
deployments (events, CI/CD reports, the exchange import, the admin), with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.models import Deployment
from monitoring.models import DeploymentEvent
from tests.monitoring.fleet_support import fleet_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

EVENTS = reverse("monitoring-api:cicd-deployment-event")


def created(version, **extra) -> dict:
    return {"event": "created", "model_version": version.pk, "environment": "production",
            "region": "eu-west-1", "segment": "retail",
            "endpoint": "https://scoring.internal/v2", "replicas": 3, **extra}


def test_the_teams_pipeline_posts_an_event_once_per_idempotency_key(fleet, api_client_for):
    client = api_client_for(fleet["service"])
    first = client.post(EVENTS, created(fleet["v2"]), format="json",
                        HTTP_IDEMPOTENCY_KEY="release-812-eu")
    replay = client.post(EVENTS, created(fleet["v2"]), format="json",
                         HTTP_IDEMPOTENCY_KEY="release-812-eu")

    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["kind"], body["outcome"], body["deployment"]["status"]) == (
        "created", "applied", "active")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == body
    assert DeploymentEvent.objects.count() == 1 and Deployment.objects.count() == 1

    other = client.post(EVENTS, created(fleet["v2"], replicas=9), format="json",
                        HTTP_IDEMPOTENCY_KEY="release-812-eu")
    assert other.status_code == 409  # the key was used for another event


@pytest.mark.parametrize(("change", "field"), [
    ({"event": "exploded"}, "event"),
    ({"environment": "moon"}, "environment"),
    ({"replicas": -1}, "replicas"),
    ({"event": "moved"}, "to_region"),
    ({"event": "rolled_back"}, "to_model_version"),
    ({"endpoint": "ftp://scoring"}, "endpoint"),
])
def test_a_bad_event_is_a_400_naming_the_field_and_writes_nothing(fleet, api_client_for,
                                                                    change, field):
    client = api_client_for(fleet["service"])
    if change.get("event") in ("moved", "rolled_back"):
        client.post(EVENTS, created(fleet["v2"]), format="json")
    before = (DeploymentEvent.objects.count(), Deployment.objects.count())

    response = client.post(EVENTS, created(fleet["v2"], **change), format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"], response.json()
    assert (DeploymentEvent.objects.count(), Deployment.objects.count()) == before


def test_an_invisible_version_is_unknown(fleet, api_client_for):
    fleet["model"].confidential = True
    fleet["model"].save()
    response = api_client_for(fleet["outsider"]).post(EVENTS, created(fleet["v2"]),
                                                      format="json")
    assert response.status_code == 400
    assert "model_version" in response.json()["error"]["fields"]


def test_another_teams_data_scientist_is_refused_at_every_door(fleet, api_client_for, client):
    api = api_client_for(fleet["outsider"])
    version = fleet["v2"]
    # The deployment-event door and the CI/CD deployment report.
    assert api.post(EVENTS, created(version), format="json").status_code == 403
    assert api.post(reverse("inventory-api:cicd-deployment-report"), {
        "model_version": version.pk, "environment": "production"},
        format="json").status_code == 403
    # The read-only evidence routes.
    for route in ("monitoring-api:deploymentevent-list", "inventory-api:deployment-list"):
        assert api.post(reverse(route), created(version), format="json").status_code in (403,
                                                                                          405)
    # The exchange import of deployments.
    imported = api.post(reverse("inventory-api:exchange-import") + "?section=deployments",
                        "model,version,environment,region,segment,endpoint,status,deployed_at\n"
                        f"{fleet['model'].name},{version.version},production,eu-west-1,retail,"
                        ",active,\n", content_type="text/csv")
    assert imported.status_code in (400, 403)
    # The admin (read-only for deployments and their events).
    outsider = fleet["outsider"]
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    for page in ("admin:inventory_deployment_add", "admin:monitoring_deploymentevent_add"):
        assert client.get(reverse(page)).status_code == 403
    assert not Deployment.objects.exists() and not DeploymentEvent.objects.exists()


def test_a_viewer_without_the_deployer_right_is_refused(fleet, api_client_for, auditor,
                                                        model_owner):
    for user in (auditor, model_owner):
        response = api_client_for(user).post(EVENTS, created(fleet["v2"]), format="json")
        assert response.status_code == 403, user
    assert not Deployment.objects.exists()


def test_a_granted_deployer_outside_the_team_may_post(fleet, api_client_for):
    from guardian.shortcuts import assign_perm

    deployer = fleet["outsider"]
    assign_perm("inventory.report_deployment_mlmodel", deployer, fleet["model"])
    response = api_client_for(deployer).post(EVENTS, created(fleet["v2"]), format="json")
    assert response.status_code == 201, response.json()


def test_undeployable_version_is_a_409(fleet, api_client_for):
    from inventory.choices import ModelStage
    from tests.factories.catalogue import ModelVersionFactory

    staging = ModelVersionFactory(model=fleet["model"], stage=ModelStage.STAGING)
    response = api_client_for(fleet["service"]).post(EVENTS, created(staging), format="json")
    assert response.status_code == 409
    assert not Deployment.objects.exists() and not DeploymentEvent.objects.exists()
