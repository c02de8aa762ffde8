"""No door promotes a high-risk version into production around its approvals: the inventory
API's transition, the CI/CD endpoint, the admin and the dashboard each refuse it until two
approvers of the policy's roles and a CAB member approved, none of them its requester,
author or owner; the deciding approval then promotes it."""

from __future__ import annotations

import itertools
import json

import pytest
from django.urls import reverse

from governance.choices import ApprovalStatus, Decision
from governance.services.approvals import approval_request_create, approval_request_decide
from inventory.choices import ModelStage
from inventory.models import ModelVersion

pytestmark = pytest.mark.django_db

_keys = itertools.count(1)


def _admin_form(version) -> dict:
    """The version's change form as stored (nothing changes but the stage asked for)."""
    return {"description": version.description, "artifact_uri": version.artifact_uri,
            "artifact_sha256": version.artifact_sha256, "artifact_size": "",
            "training_date": version.training_date.isoformat(),
            "input_schema": json.dumps(version.input_schema),
            "output_schema": json.dumps(version.output_schema),
            "evaluation_metrics": json.dumps(version.evaluation_metrics),
            "training_environment": version.training_environment,
            "inference_requirements": version.inference_requirements,
            "code_repository": version.code_repository, "code_commit": version.code_commit,
            "code_commit_signed": "unknown", "environment_uri": version.environment_uri,
            "environment_digest": version.environment_digest, "environment_size": "",
            "to_stage": "production", "change_reason": "Promote now"}


def through_api(client, api_client_for, actor, version) -> str:
    response = api_client_for(actor).post(
        reverse("inventory-api:modelversion-transition", args=[version.pk]),
        {"to_stage": "production", "change_reason": "Promote now"}, format="json")
    assert response.status_code == 400, response.content
    return " ".join(response.json()["error"]["fields"]["to_stage"])


def through_cicd(client, api_client_for, actor, version) -> str:
    response = api_client_for(actor).post(
        reverse("inventory-api:cicd-promotion", args=[version.pk]),
        {"to_stage": "production", "reason": "Pipeline promotes"}, format="json",
        HTTP_IDEMPOTENCY_KEY=f"door-{next(_keys)}")
    assert response.status_code == 400, response.content
    return " ".join(response.json()["error"]["fields"]["to_stage"])


def through_admin(client, api_client_for, actor, version) -> str:
    client.force_login(actor)
    response = client.post(reverse("admin:inventory_modelversion_change", args=[version.pk]),
                           _admin_form(version))
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.errors["to_stage"])


def through_dashboard(client, api_client_for, actor, version) -> str:
    client.force_login(actor)
    response = client.post(reverse("inventory:modelversion_transition", args=[version.pk]),
                           {"to_stage": "production", "change_reason": "Promote now"})
    assert response.status_code in (200, 400)
    return " ".join(response.context["form"].errors["to_stage"])


DOORS = {"api": through_api, "cicd": through_cicd, "admin": through_admin,
         "dashboard": through_dashboard}


@pytest.mark.parametrize("door", DOORS)
def test_high_risk_version_reaches_production_only_through_its_approvals(
        door, scene, client, api_client_for):
    promote = DOORS[door]
    actor = scene.requester  # holds the promote right (validator) and may use every door
    actor.is_staff = True
    actor.save()
    version = scene.version

    assert "Ask for approval first" in promote(client, api_client_for, actor, version)

    request = approval_request_create(version=version, to_stage=ModelStage.PRODUCTION,
                                      actor=actor, reason="Shadow run passed")
    # The requester, the author and the owner are refused (they hold approver roles too).
    for person in (scene.requester, scene.author, scene.owner):
        with pytest.raises(Exception, match="segregation of duties"):
            approval_request_decide(request=request, actor=person, decision=Decision.APPROVE,
                                    comment="Mine")
    approval_request_decide(request=request, actor=scene.validator, decision=Decision.APPROVE,
                            comment="VR-7 reviewed")
    approval_request_decide(request=request, actor=scene.risk_officer,
                            decision=Decision.APPROVE, comment="Within appetite")

    refusal = promote(client, api_client_for, actor, version)
    assert "waiting for the approval of a CAB member" in refusal
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.STAGING

    request = approval_request_decide(request=request, actor=scene.cab,
                                      decision=Decision.APPROVE, comment="CAB agreed")
    assert request.status == ApprovalStatus.PROMOTED
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.PRODUCTION
