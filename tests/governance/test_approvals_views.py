"""The approvals dashboards: the inbox, a request's page (approve or reject in the page,
refusals next to the form), asking for approval from a model's page, the policies; the
same permissions as the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from governance.models import ApprovalDecision, ApprovalRequest
from governance.services.approvals import approval_request_create, approval_request_decide
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_request(scene) -> ApprovalRequest:
    return approval_request_create(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                   actor=scene.requester, reason="Shadow run passed")


def page(request) -> str:
    return reverse("governance:approvalrequest_detail", args=[request.pk])


def test_pages_refuse_a_user_without_a_role(client, refused_user, open_request):
    client.force_login(refused_user)
    assert client.get(reverse("governance:approvalrequest_list")).status_code == 403
    assert client.get(reverse("governance:approvalpolicy_list")).status_code == 403
    assert client.get(reverse("governance:minimisationrule_list")).status_code == 403
    assert client.get(page(open_request)).status_code in (403, 404)


def test_inbox_boxes_count_what_waits_for_me(client, scene, open_request):
    client.force_login(scene.validator)
    response = client.get(reverse("governance:approvalrequest_list"), {"box": "waiting"})
    assert response.status_code == 200
    boxes = {box["key"]: box["count"] for box in response.context["boxes"]}
    assert boxes == {"waiting": 1, "mine": 0, "overdue": 0, "": 1}
    client.force_login(scene.owner)  # owner: never theirs to decide
    response = client.get(reverse("governance:approvalrequest_list"), {"box": "waiting"})
    assert response.context["paginator"].count == 0


def test_approve_and_reject_in_the_page(client, scene, open_request):
    client.force_login(scene.validator)
    response = client.post(page(open_request), {"decision": "approve",
                                                "comment": "VR-7 reviewed"})
    assert response.status_code == 302
    client.force_login(scene.risk_officer)
    response = client.post(page(open_request), {"decision": "reject",
                                                "comment": "Drift on the holdout set"})
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.status == ApprovalStatus.REJECTED
    assert ModelVersion.objects.get(pk=scene.version.pk).stage == ModelStage.STAGING


def test_refusals_show_in_the_page_and_write_nothing(client, scene, open_request):
    client.force_login(scene.author)
    response = client.get(page(open_request))
    assert not response.context["can_approve"]
    assert "segregation of duties" in response.context["why_not"]
    response = client.post(page(open_request), {"decision": "approve", "comment": "Mine"})
    assert response.status_code == 400
    assert "segregation of duties" in " ".join(response.context["form"].non_field_errors())
    client.force_login(scene.validator)
    response = client.post(page(open_request), {"decision": "approve", "comment": ""})
    assert response.status_code == 400 and "comment" in response.context["form"].errors
    assert not ApprovalDecision.objects.exists()


def test_closed_request_page_offers_no_decision(client, scene, open_request):
    approval_request_decide(request=open_request, actor=scene.validator,
                            decision=Decision.REJECT, comment="No")
    client.force_login(scene.cab)
    response = client.get(page(open_request))
    assert not response.context["can_approve"] and not response.context["can_reject"]
    assert "cannot be revived" in response.context["why_not"]


def test_ask_for_approval_from_the_model_page(client, scene):
    client.force_login(scene.requester)
    model_page = client.get(scene.version.model.get_absolute_url())
    add_url = reverse("governance:approvalrequest_add", args=[scene.version.model_id])
    assert add_url in model_page.content.decode()
    response = client.post(add_url, {"model_version": scene.version.pk,
                                     "to_stage": "production", "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    response = client.post(add_url, {"model_version": scene.version.pk,
                                     "to_stage": "production", "reason": "Shadow run passed"})
    created = ApprovalRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    auditor = UserFactory(username="auditor-1", roles=[Role.AUDITOR])
    client.force_login(auditor)
    assert client.get(add_url).status_code == 403


def test_policies_page_lists_the_terms(client, scene):
    client.force_login(scene.validator)
    response = client.get(reverse("governance:approvalpolicy_list"))
    assert response.status_code == 200
    assert "2 approvals from Validator or Risk officer plus a CAB member" in \
        response.content.decode()


def test_inbox_query_count_is_constant(client, scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.governance_approvals import (
        ApprovalDecisionFactory,
        ApprovalRequestFactory,
    )

    def add(n: int) -> None:
        for _ in range(n):
            ApprovalDecisionFactory(request=ApprovalRequestFactory(approver_roles=["Validator"]))

    client.force_login(scene.validator)
    url = reverse("governance:approvalrequest_list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"per_page": 100}).status_code == 200
        return len(queries)

    add(3)
    client.get(url)
    at_n = count()
    add(6)
    assert count() == at_n
