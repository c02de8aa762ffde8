"""Approval workflows: promotion requests, decisions, and the promotion gate that enforces
them on every door (API, CI/CD, admin, dashboards).

How a promotion into a gated stage (staging, production) is approved:

1. Someone who may request promotion of the model (`inventory.request_promotion_mlmodel`
   or `inventory.promote_mlmodel`) opens a request (`approval_request_create`). It copies
   the terms of the policy of the model's risk tier and the target stage, and a fingerprint
   of the version (artefact, schemas, code, environment, data links).
2. People holding `governance.decide_approvalrequest` approve or reject it with a comment
   (`approval_request_decide`). Segregation of duties: the requester, the version's author
   and the model's owner never decide on it; one person decides once and counts once.
3. The deciding approval promotes the version in the same transaction, through the
   inventory's state machine (`model_version_transition`), so every other gate (data
   minimisation, permissions) still has its say. When another gate refuses, the request
   stays approved with what holds it, and any door may promote later.
4. A rejected, expired or superseded request is closed for good: a new request is needed.

The promotion gate (`approval_gate`) refuses a promotion into a gated stage unless the
model's policy needs no approval or an approved, unexpired request for this version and
stage exists whose version has not changed since.

Locks: a decision locks the version row first and then the request, the order a door's
promotion takes them in (the state machine locks the version, then the receiver below
marks the request), so two deciding approvals at the same moment promote exactly once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_context
from core.exceptions import ConflictError
from core.permissions import user_can
from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from governance.models import (
    OPEN_STATUSES,
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    GatedStage,
)
from inventory.models import ModelVersion
from inventory.services.catalogue import grant_actions
from inventory.services.versions import (
    PromotionRequest,
    allowed_transitions,
    model_version_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = [
    "Tally",
    "approval_gate",
    "approval_policy_for",
    "approval_request_create",
    "approval_request_decide",
    "approval_requests_expire",
    "approval_requests_mark_promoted",
    "approval_requests_supersede",
    "approval_tally",
    "approvals_word",
    "decision_problem",
    "user_roles",
    "version_fingerprint",
]

GATE_NAME = "governance.approvals"

# What a version is, for "re-approval when the version changes": the fields a reviewer
# looked at. Stage and timestamps change on promotion itself and are left out.
_FINGERPRINT_FIELDS = ("artifact_uri", "artifact_sha256", "artifact_size", "training_date",
                       "input_schema", "output_schema", "evaluation_metrics",
                       "training_environment", "inference_requirements", "code_repository",
                       "code_commit", "environment_uri", "environment_digest", "description")


def version_fingerprint(version: ModelVersion) -> str:
    """SHA-256 of what a reviewer approves: the version's content fields and data links."""
    content = {name: getattr(version, name) for name in _FINGERPRINT_FIELDS}
    content["links"] = sorted(
        [link.dataset_version_id, link.role, link.checksum_at_link]
        for link in version.dataset_links.all())
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def approvals_word(count: int) -> str:
    return "approval" if count == 1 else "approvals"


def approval_policy_for(*, version: ModelVersion, to_stage: str) -> ApprovalPolicy | None:
    """The policy of the version's model risk tier for `to_stage` (None: no policy)."""
    return ApprovalPolicy.objects.filter(risk_tier=version.model.risk_tier,
                                         to_stage=to_stage).first()


def user_roles(user) -> list[str]:
    """The role groups `user` belongs to (what an approval counts for)."""
    return sorted(user.groups.filter(name__in=Role.ALL).values_list("name", flat=True))


# --------------------------------------------------------------------------------------
# Counting approvals
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tally:
    """How far a request's approvals go towards its terms."""

    satisfied: bool
    counted: int  # approvals of the approver roles that count (CAB member set apart)
    cab_approved: bool
    missing: str  # what is still needed, in plain words ("" when satisfied)


def approval_tally(request: ApprovalRequest,
                   decisions: list[ApprovalDecision] | None = None) -> Tally:
    """Count the approvals of `request` against its terms; nobody counts twice.

    With a CAB requirement, one CAB member is set apart for it (the choice that leaves the
    most approvals for the roles); the others count towards the approvals when they hold
    an approver role.
    """
    if decisions is None:
        decisions = list(request.decisions.all())
    approvals = [set(d.roles) for d in decisions if d.decision == Decision.APPROVE]
    roles = set(request.approver_roles)

    def counting(without: int | None) -> int:
        return sum(1 for i, held in enumerate(approvals) if i != without and held & roles)

    cab = [i for i, held in enumerate(approvals) if Role.CAB_MEMBER in held]
    if request.cab_required:
        counted = max((counting(i) for i in cab), default=counting(None))
        cab_ok = bool(cab)
    else:
        counted, cab_ok = counting(None), True
    needed = max(request.approvals_required - counted, 0)
    parts = []
    if needed:
        parts.append(f"{needed} more {approvals_word(needed)} from "
                     f"{' or '.join(request.approver_roles)}")
    if not cab_ok:
        parts.append("the approval of a CAB member")
    satisfied = not needed and cab_ok
    return Tally(satisfied=satisfied, counted=min(counted, request.approvals_required),
                 cab_approved=request.cab_required and cab_ok, missing=" and ".join(parts))


# --------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------
def approval_request_create(*, version: ModelVersion, to_stage: str,
                            actor: AbstractBaseUser, reason: str,
                            change_reason: str = "") -> ApprovalRequest:
    """Ask for approval to promote `version` into `to_stage`.

    Args:
        version: a version the actor may see.
        to_stage: staging or production, a move the state machine allows from its stage.
        actor: needs `request_promotion_mlmodel` or `promote_mlmodel` on the model.
        reason: why it should be promoted (shown to the approvers, kept in history).
        change_reason: the history row's reason when it should differ from `reason`.
    Returns:
        The pending request, with the policy's terms copied onto it.
    Raises:
        PermissionDenied: the actor may not ask for promotion of this model.
        ValidationError: the stage is not gated or not reachable, the reason is empty, or
            the model's policy needs no approval.
        ConflictError: the version already has an open request for this stage.
    """
    model = version.model
    if not (user_can(actor, "request_promotion_mlmodel", model)
            or user_can(actor, "promote_mlmodel", model)):
        raise PermissionDenied(f"You may not ask for promotion of “{model.name}”: that needs "
                               "the right to request promotion of the model (its owner and "
                               "registrant hold it).")
    errors: dict[str, list[str]] = {}
    if to_stage not in GatedStage.values:
        errors["to_stage"] = [f"Approval is asked for a promotion into "
                              f"{' or '.join(GatedStage.values)}."]
    elif to_stage not in allowed_transitions(version.stage):
        errors["to_stage"] = [f"{version} is {version.get_stage_display().lower()}: it cannot "
                              f"move to {to_stage} from there."]
    if not (reason or "").strip():
        errors["reason"] = ["Say why the version should be promoted; approvers read it."]
    if errors:
        raise ValidationError(errors)
    policy = approval_policy_for(version=version, to_stage=to_stage)
    if policy is None or not policy.needs_approval:
        raise ValidationError({"to_stage": [
            f"{model.get_risk_tier_display()} risk models need no approval to enter "
            f"{to_stage}: promote the version directly."]})
    now = timezone.now()
    history_reason = change_reason or reason
    with transaction.atomic(), audit_context(user=actor, reason=history_reason):
        ModelVersion.objects.select_for_update().get(pk=version.pk)
        if ApprovalRequest.objects.filter(model_version=version, to_stage=to_stage,
                                          status__in=OPEN_STATUSES).exists():
            raise ConflictError(f"{version} already has an open request for {to_stage}; "
                                "decide on that one first.")
        request = ApprovalRequest(
            model_version=version, from_stage=version.stage, to_stage=to_stage,
            requested_by=actor, reason=reason, policy=policy,
            approvals_required=policy.approvals_required,
            approver_roles=list(policy.approver_roles), cab_required=policy.cab_required,
            reapprove_on_change=policy.reapprove_on_change,
            due_at=now + timedelta(hours=policy.review_within_hours),
            expires_at=now + timedelta(days=policy.expires_after_days),
            version_fingerprint=version_fingerprint(version))
        request.full_clean(validate_constraints=False)
        request._change_reason = history_reason
        request.save()
        grant_actions(actor, request, ["view"])
    return request


def decision_problem(*, request: ApprovalRequest, actor: AbstractBaseUser,
                     decision: str) -> tuple[type[Exception], str] | None:
    """Why `actor` may not take `decision` on `request` now, as (exception class, message);
    None when they may. The dashboards call it to show or hide the buttons; the service
    calls it again under lock."""
    if not user_can(actor, "decide_approvalrequest", model=ApprovalRequest):
        return PermissionDenied, ("Deciding on promotion requests needs the approver right "
                                  "(validators, risk and compliance officers, CAB members).")
    version = request.model_version
    if actor.pk == request.requested_by_id:
        return PermissionDenied, ("You asked for this promotion: someone else must decide on "
                                  "it (segregation of duties).")
    if actor.pk == version.created_by_id:
        return PermissionDenied, ("You registered this version: its author never decides on "
                                  "its promotion (segregation of duties).")
    if actor.pk == version.model.owner_id:
        return PermissionDenied, ("You own this model: its owner never decides on its "
                                  "promotion (segregation of duties).")
    if request.status != ApprovalStatus.PENDING:
        return ConflictError, (f"Request #{request.pk} is closed to decisions: "
                               f"{request.get_status_display().lower()}"
                               + (f" ({request.status_detail})" if request.status_detail else "")
                               + ". A closed request cannot be revived; ask again with a new "
                                 "request.")
    if request.expires_at <= timezone.now():
        return ConflictError, (f"Request #{request.pk} expired on "
                               f"{request.expires_at:%Y-%m-%d %H:%M} UTC and cannot be revived; "
                               "ask again with a new request.")
    previous = next((d for d in request.decisions.all() if d.approver_id == actor.pk), None)
    if previous is not None:
        return ConflictError, (f"You already {previous.get_decision_display().lower()} "
                               f"request #{request.pk} on {previous.created_at:%Y-%m-%d %H:%M} "
                               "UTC; one person decides once and counts once.")
    if decision == Decision.APPROVE:
        held = set(user_roles(actor))
        counts = held & set(request.approver_roles) or (
            request.cab_required and Role.CAB_MEMBER in held)
        if not counts:
            wanted = [*request.approver_roles, *([Role.CAB_MEMBER] if request.cab_required
                                                 else [])]
            return PermissionDenied, (f"Your approval would not count: this request needs "
                                      f"approvals from {' or '.join(wanted)}.")
    return None


def approval_request_decide(*, request: ApprovalRequest, actor: AbstractBaseUser,
                            decision: str, comment: str) -> ApprovalRequest:
    """Record `actor`'s approval or rejection of `request`, with their comment.

    A rejection closes the request. The approval that satisfies the terms approves it and
    promotes the version at once (see the module docstring); two such approvals at the
    same moment are serialised by the version's row lock, and the second is refused.

    Returns:
        The request as it stands after the decision.
    Raises:
        ValidationError: no comment, or an unknown decision; nothing is written.
        PermissionDenied: the actor may not decide on it (right, segregation of duties,
            or an approval that would not count); nothing is written.
        ConflictError: the request is closed, expired, changed, or already decided on by
            the actor; nothing is written.
    """
    if decision not in Decision.values:
        raise ValidationError({"decision": [f"Choose {' or '.join(Decision.values)}."]})
    if not (comment or "").strip():
        raise ValidationError({"comment": ["Say why: the comment is kept with the decision "
                                           "and shown to the requester and auditors."]})
    verb = "Approved" if decision == Decision.APPROVE else "Rejected"
    reason = f"{verb} by {actor.get_username()}: {comment}"
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        version = (ModelVersion.objects.select_for_update().select_related("model")
                   .get(pk=request.model_version_id))
        locked = (ApprovalRequest.objects.select_for_update().get(pk=request.pk))
        locked.model_version = version
        problem = decision_problem(request=locked, actor=actor, decision=decision)
        if problem is None and locked.reapprove_on_change and (
                version_fingerprint(version) != locked.version_fingerprint):
            problem = (ConflictError, f"{version} changed since request #{locked.pk} was made; "
                                      "its approvals no longer hold. Ask again with a new "
                                      "request.")
        if problem is not None:
            kind, message = problem
            raise kind(message)
        row = ApprovalDecision(request=locked, approver=actor, decision=decision,
                               comment=comment, roles=user_roles(actor))
        row.full_clean(validate_constraints=False)
        row._change_reason = reason
        row.save()
        if decision == Decision.REJECT:
            _set_status(locked, ApprovalStatus.REJECTED, detail=f"Rejected by "
                   f"{actor.get_username()}: {comment}", reason=reason)
            return locked
        tally = approval_tally(locked)
        if tally.satisfied:
            _set_status(locked, ApprovalStatus.APPROVED, detail="", reason=reason)
            _promote(locked, version=version, approver=actor)
            locked.refresh_from_db()
    return locked


def _promote(request: ApprovalRequest, *, version: ModelVersion,
             approver: AbstractBaseUser) -> None:
    """Promote through the state machine (every gate runs); a refusal holds the request.

    The deciding approver carries the promotion out; when they do not hold the promote
    right, the first approver (or else the requester) who does. The request's number is in
    the version's history reason.
    """
    candidates = [approver, *(d.approver for d in request.decisions.select_related("approver")
                              if d.decision == Decision.APPROVE), request.requested_by]
    actor = next((c for c in candidates if c is not None
                  and user_can(c, "promote_mlmodel", version.model)), approver)
    reason = f"Promotion request #{request.pk} approved: {request.reason}"
    try:
        with transaction.atomic():
            model_version_transition(version=version, to_stage=request.to_stage, actor=actor,
                                     reason=reason)
    except ValidationError as error:
        held = "; ".join(m for messages in error.message_dict.values() for m in messages)
        _set_status(request, ApprovalStatus.APPROVED,
                    detail=f"Approved; the promotion is held by: {held}",
                    reason="Approved; the promotion is held by another rule")


def _set_status(request: ApprovalRequest, status: str, *, detail: str, reason: str) -> None:
    request.status = status
    request.status_detail = detail
    if status not in OPEN_STATUSES:
        request.closed_at = timezone.now()
    request._change_reason = reason
    request.save(update_fields=["status", "status_detail", "closed_at", "updated_at"])


# --------------------------------------------------------------------------------------
# Follow-ups: promotion by any door, changed versions, expiry
# --------------------------------------------------------------------------------------
def approval_requests_mark_promoted(*, version: ModelVersion) -> int:
    """Close the approved requests whose promotion `version` just made (any door)."""
    with transaction.atomic():
        requests = list(ApprovalRequest.objects.select_for_update().filter(
            model_version=version, to_stage=version.stage, status=ApprovalStatus.APPROVED))
        for request in requests:
            _set_status(request, ApprovalStatus.PROMOTED, detail=f"Promoted to {version.stage}.",
                   reason=f"{version} promoted to {version.stage}")
    return len(requests)


def approval_requests_supersede(*, version: ModelVersion) -> int:
    """Void the open requests whose version changed since they were made (where their
    terms ask for re-approval on change)."""
    with transaction.atomic():
        requests = list(ApprovalRequest.objects.select_for_update().filter(
            model_version=version, status__in=OPEN_STATUSES, reapprove_on_change=True))
        if not requests:
            return 0
        current = version_fingerprint(version)
        changed = [r for r in requests if r.version_fingerprint != current]
        for request in changed:
            _set_status(request, ApprovalStatus.SUPERSEDED,
                   detail="The version changed after the request; its approvals no longer "
                          "hold.", reason=f"{version} changed after request #{request.pk}")
    return len(changed)


def approval_requests_expire(*, now=None, reason: str = "Expired") -> int:
    """Close the open requests past their expiry (the scheduled job).

    Safe on two workers: rows are taken with `select_for_update(skip_locked=True)`.
    """
    now = now or timezone.now()
    closed = 0
    while True:  # in batches, each its own transaction
        with transaction.atomic():
            due = list(ApprovalRequest.objects.select_for_update(skip_locked=True).filter(
                status__in=OPEN_STATUSES, expires_at__lte=now)[:500])
            for request in due:
                _set_status(request, ApprovalStatus.EXPIRED,
                       detail=f"Expired on {request.expires_at:%Y-%m-%d %H:%M} UTC.",
                       reason=reason)
        closed += len(due)
        if len(due) < 500:
            return closed


# --------------------------------------------------------------------------------------
# The promotion gate
# --------------------------------------------------------------------------------------
def approval_gate(promotion: PromotionRequest) -> list[str]:
    """Refuse a promotion into a gated stage that its policy wants approved and that has
    no approved, unexpired request for this unchanged version."""
    version = promotion.version
    policy = approval_policy_for(version=version, to_stage=promotion.to_stage)
    if policy is None or not policy.needs_approval:
        return []
    model = version.model
    needs = (f"“{model.name}” is {model.get_risk_tier_display().lower()} risk: a promotion "
             f"into {promotion.to_stage} needs approval ({policy.terms()})")
    requests = list(ApprovalRequest.objects.filter(
        model_version=version, to_stage=promotion.to_stage, status__in=OPEN_STATUSES))
    now = timezone.now()
    fingerprint = version_fingerprint(version) if requests else ""
    for request in requests:
        if request.expires_at <= now:
            continue
        if request.reapprove_on_change and request.version_fingerprint != fingerprint:
            return [f"{needs}. {version} changed after request #{request.pk}: its approvals "
                    "no longer hold; ask again with a new request."]
        if request.status == ApprovalStatus.APPROVED:
            return []
        tally = approval_tally(request)
        return [f"{needs}. Request #{request.pk} is waiting for {tally.missing}."]
    return [f"{needs}. Ask for approval first: open a promotion request."]
