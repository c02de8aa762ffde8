"""Approval workflows at the service: the policy's terms, segregation of duties, one person
counting once, closed and expired requests refused, changed versions voiding approvals,
and the gate every door passes through."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.exceptions import ConflictError
from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from governance.models import ApprovalDecision, ApprovalRequest
from governance.services.approvals import (
    approval_request_create,
    approval_request_decide,
    approval_requests_expire,
    approval_tally,
)
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from inventory.services.versions import model_version_transition, model_version_update
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def ask(scene) -> ApprovalRequest:
    return approval_request_create(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                   actor=scene.requester, reason="Shadow run passed")


def approve(request, user, comment="Reviewed the validation report"):
    return approval_request_decide(request=request, actor=user, decision=Decision.APPROVE,
                                   comment=comment)


def stage_of(version) -> str:
    return ModelVersion.objects.get(pk=version.pk).stage


def unchanged(request, decisions: int, history: int) -> bool:
    return (ApprovalDecision.objects.filter(request=request).count() == decisions
            and request.history.count() == history)


def test_two_role_approvers_and_a_cab_member_promote_the_version(scene):
    request = ask(scene)
    assert request.status == ApprovalStatus.PENDING
    assert (request.approvals_required, request.cab_required) == (2, True)

    approve(request, scene.validator)
    request = approve(request, scene.risk_officer)
    assert request.status == ApprovalStatus.PENDING
    assert approval_tally(request).missing == "the approval of a CAB member"
    assert stage_of(scene.version) == ModelStage.STAGING

    request = approve(request, scene.cab, "CAB 2026-12 agreed")
    assert request.status == ApprovalStatus.PROMOTED
    assert stage_of(scene.version) == ModelStage.PRODUCTION
    promoted = scene.version.history.filter(stage=ModelStage.PRODUCTION).get()
    assert f"request #{request.pk}" in promoted.history_change_reason
    # Every step is in the request's history: opened, approved, promoted.
    steps = list(request.history.order_by("history_date").values_list("status", flat=True))
    assert steps == ["pending", "approved", "promoted"]


@pytest.mark.parametrize("who", ["requester", "author", "owner"])
def test_segregation_of_duties_refuses_and_writes_nothing(scene, who):
    request = ask(scene)
    with pytest.raises(PermissionDenied, match="segregation of duties"):
        approve(request, getattr(scene, who))
    assert unchanged(request, decisions=0, history=1)
    with pytest.raises(PermissionDenied):
        approval_request_decide(request=request, actor=getattr(scene, who),
                                decision=Decision.REJECT, comment="No")


def test_approving_twice_is_refused(scene):
    request = ask(scene)
    approve(request, scene.validator)
    with pytest.raises(ConflictError, match="already approved"):
        approve(request, scene.validator, "Again")
    assert unchanged(request, decisions=1, history=1)


def test_one_person_counts_once_even_with_two_roles(scene):
    both = UserFactory(username="both", roles=[Role.VALIDATOR, Role.CAB_MEMBER])
    request = ask(scene)
    approve(request, both)
    approve(request, scene.validator)
    tally = approval_tally(request)
    # Two people: either both count for the roles (no CAB left) or one is the CAB member.
    assert not tally.satisfied
    request = approve(request, scene.risk_officer)
    assert request.status == ApprovalStatus.PROMOTED


def test_an_approval_that_would_not_count_is_refused(scene):
    officer = UserFactory(username="compliance", roles=[Role.COMPLIANCE_OFFICER])
    request = ask(scene)
    with pytest.raises(PermissionDenied, match="would not count"):
        approve(request, officer)
    assert unchanged(request, decisions=0, history=1)


def test_someone_without_the_approver_right_is_refused(scene):
    scientist = UserFactory(username="scientist", roles=[Role.DATA_SCIENTIST])
    request = ask(scene)
    with pytest.raises(PermissionDenied, match="approver right"):
        approve(request, scientist)


def test_a_decision_needs_a_comment(scene):
    request = ask(scene)
    with pytest.raises(ValidationError) as error:
        approve(request, scene.validator, comment="  ")
    assert "comment" in error.value.message_dict
    assert unchanged(request, decisions=0, history=1)


def test_a_rejected_request_cannot_be_revived(scene):
    request = ask(scene)
    approval_request_decide(request=request, actor=scene.validator, decision=Decision.REJECT,
                            comment="Drift on the holdout set")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.REJECTED
    with pytest.raises(ConflictError, match="closed"):
        approve(request, scene.risk_officer)
    assert unchanged(request, decisions=1, history=2)
    # A new request is the way forward.
    assert ask(scene).status == ApprovalStatus.PENDING


def test_an_expired_request_is_refused_then_closed_by_the_job(scene):
    request = ask(scene)
    request.expires_at = timezone.now() - timedelta(minutes=1)
    request._change_reason = "test: time passes"
    request.save()
    with pytest.raises(ConflictError, match="expired"):
        approve(request, scene.validator)
    assert unchanged(request, decisions=0, history=2)
    assert approval_requests_expire() == 1
    request.refresh_from_db()
    assert request.status == ApprovalStatus.EXPIRED
    assert approval_requests_expire() == 0  # idempotent
    with pytest.raises(ConflictError, match="closed"):
        approve(request, scene.validator)


def test_a_changed_version_voids_its_approvals(scene):
    request = ask(scene)
    approve(request, scene.validator)
    model_version_update(version=scene.version, actor=scene.author, reason="Retrained",
                         data={"artifact_sha256": "f" * 64})
    request.refresh_from_db()
    assert request.status == ApprovalStatus.SUPERSEDED
    with pytest.raises(ConflictError):
        approve(request, scene.risk_officer)
    with pytest.raises(ValidationError, match="Ask for approval"):
        model_version_transition(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                 actor=scene.cab, reason="Around the request")


def test_one_open_request_per_version_and_stage(scene):
    ask(scene)
    with pytest.raises(ConflictError, match="already has an open request"):
        ask(scene)


def test_asking_needs_the_right_to_request_promotion(scene):
    stranger = UserFactory(username="stranger", roles=[Role.AUDITOR])
    with pytest.raises(PermissionDenied):
        approval_request_create(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                actor=stranger, reason="Please")
    assert not ApprovalRequest.objects.exists()


def test_asking_for_an_unreachable_stage_is_a_field_error(scene):
    with pytest.raises(ValidationError) as error:
        approval_request_create(version=scene.version, to_stage=ModelStage.STAGING,
                                actor=scene.requester, reason="")
    assert set(error.value.message_dict) == {"to_stage", "reason"}


def test_the_gate_names_what_is_missing(scene):
    with pytest.raises(ValidationError, match="Ask for approval first"):
        model_version_transition(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                 actor=scene.cab, reason="Straight to production")
    request = ask(scene)
    approve(request, scene.validator)
    with pytest.raises(ValidationError, match="waiting for 1 more approval"):
        model_version_transition(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                 actor=scene.cab, reason="Straight to production")
    assert stage_of(scene.version) == ModelStage.STAGING


def test_a_promotion_held_by_another_gate_waits_then_any_door_completes_it(scene):
    from governance.services.minimisation import (
        minimisation_rule_create,
        minimisation_rule_update,
    )

    rule = minimisation_rule_create(actor=None, reason="Set up", data={
        "name": "Marketing: no ages", "domain": "marketing", "prohibited_attributes": ["age"]})
    request = ask(scene)
    approve(request, scene.validator)
    approve(request, scene.risk_officer)
    request = approve(request, scene.cab, "CAB agreed")
    assert request.status == ApprovalStatus.APPROVED
    assert "Marketing: no ages" in request.status_detail
    assert stage_of(scene.version) == ModelStage.STAGING

    minimisation_rule_update(instance=rule, actor=None, reason="Suspended", data={"active": False})
    model_version_transition(version=scene.version, to_stage=ModelStage.PRODUCTION,
                             actor=scene.validator, reason="Approved in request; rule lifted")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PROMOTED
    assert stage_of(scene.version) == ModelStage.PRODUCTION
