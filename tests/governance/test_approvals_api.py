"""The approval-requests API: ask, approve, reject; every refusal has its status (400, 403,
404, 409) and a reason, and writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.roles import Role
from governance.choices import ApprovalStatus
from governance.models import ApprovalDecision, ApprovalRequest
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def ask(client, version, **extra):
    return client.post(reverse("governance-api:approvalrequest-list"),
                       {"model_version": version.pk, "to_stage": "production",
                        "reason": "Shadow run passed", **extra}, format="json")


def decide(client, request_id: int, verb: str, comment: str = "Reviewed"):
    return client.post(reverse(f"governance-api:approvalrequest-{verb}", args=[request_id]),
                       {"comment": comment}, format="json")


def test_ask_approve_and_promote_through_the_api(scene, api_client_for):
    response = ask(api_client_for(scene.requester), scene.version)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["still_needed"] == ("2 more approvals from Validator or Risk officer and "
                                    "the approval of a CAB member")
    request_id = body["id"]
    assert decide(api_client_for(scene.validator), request_id, "approve").status_code == 200
    assert decide(api_client_for(scene.risk_officer), request_id, "approve").status_code == 200
    final = decide(api_client_for(scene.cab), request_id, "approve", "CAB agreed")
    assert final.status_code == 200, final.content
    assert final.json()["status"] == "promoted"
    assert [d["approver"] for d in final.json()["decisions"]] == [
        scene.validator.username, scene.risk_officer.username, scene.cab.username]
    assert ModelVersion.objects.get(pk=scene.version.pk).stage == ModelStage.PRODUCTION


@pytest.mark.parametrize(("who", "status"), [("requester", 403), ("author", 403),
                                             ("owner", 403)])
def test_segregation_of_duties_is_a_403_with_the_reason(scene, api_client_for, who, status):
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    response = decide(api_client_for(getattr(scene, who)), request_id, "approve")
    assert response.status_code == status, response.content
    assert "segregation of duties" in response.json()["error"]["message"]
    assert not ApprovalDecision.objects.exists()


def test_approving_twice_or_a_closed_request_is_a_409(scene, api_client_for):
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    validator = api_client_for(scene.validator)
    assert decide(validator, request_id, "approve").status_code == 200
    twice = decide(validator, request_id, "approve")
    assert twice.status_code == 409
    assert "already approved" in twice.json()["error"]["message"]
    assert decide(api_client_for(scene.risk_officer), request_id, "reject",
                  "Not yet").status_code == 200
    closed = decide(api_client_for(scene.cab), request_id, "approve")
    assert closed.status_code == 409
    assert "cannot be revived" in closed.json()["error"]["message"]
    assert ApprovalDecision.objects.count() == 2
    assert ApprovalRequest.objects.get(pk=request_id).status == ApprovalStatus.REJECTED


def test_a_decision_without_a_comment_is_a_400(scene, api_client_for):
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    response = decide(api_client_for(scene.validator), request_id, "approve", comment="")
    assert response.status_code == 400
    assert "comment" in response.json()["error"]["fields"]
    assert not ApprovalDecision.objects.exists()


def test_deciding_needs_the_approver_right(scene, api_client_for):
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    scientist = UserFactory(username="scientist", roles=[Role.DATA_SCIENTIST])
    assert decide(api_client_for(scientist), request_id, "approve").status_code == 403
    assert not ApprovalDecision.objects.exists()


def test_a_request_for_a_hidden_version_is_a_400_and_a_hidden_request_a_404(
        scene, api_client_for, refused_user):
    from guardian.shortcuts import assign_perm

    assign_perm("governance.add_approvalrequest", refused_user)
    response = ask(api_client_for(refused_user), scene.version)
    assert response.status_code == 400
    assert "model_version" in response.json()["error"]["fields"]
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    assign_perm("governance.decide_approvalrequest", refused_user)
    assert decide(api_client_for(refused_user), request_id, "approve").status_code == 404


def test_a_second_open_request_is_a_409(scene, api_client_for):
    client = api_client_for(scene.requester)
    assert ask(client, scene.version).status_code == 201
    again = ask(client, scene.version)
    assert again.status_code == 409
    assert ApprovalRequest.objects.count() == 1


def test_inbox_filters(scene, api_client_for):
    request_id = ask(api_client_for(scene.requester), scene.version).json()["id"]
    url = reverse("governance-api:approvalrequest-list")
    waiting = api_client_for(scene.validator).get(url, {"box": "waiting"}).json()["results"]
    assert [r["id"] for r in waiting] == [request_id]
    # The owner holds the validator role but never decides on their own model.
    assert api_client_for(scene.owner).get(url, {"box": "waiting"}).json()["results"] == []
    mine = api_client_for(scene.requester).get(url, {"box": "mine"}).json()["results"]
    assert [r["id"] for r in mine] == [request_id]
    assert api_client_for(scene.requester).get(url, {"box": "overdue"}).json()["results"] == []
