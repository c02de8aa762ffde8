"""The lifecycle state machine of model versions: the one place a version's stage changes.

    draft → registered → validated → staging → production → deprecated → archived → retired

`TRANSITIONS` is the whole machine; every door (API action, admin, dashboards, the
deprecation/retention jobs of issue 4 items 6-7, CI/CD) calls `model_version_transition`.
An illegal move is refused with a `ValidationError` naming the stages it may go to.

Who may move a version (checked here, so the rule is the same on every door):
- into staging or production: every promotion gate of `inventory.gates` must agree; the
  built-in gate asks for `inventory.promote_mlmodel` on the model (role or object grant),
  governance adds approvals, risk adds signature checks;
- into validated, or back from staging/validated (a demotion): `promote_mlmodel` too, as
  validators decide whether a version is fit;
- into registered (a draft submitted): `change` on the version (its registrant or owner);
- into deprecated, archived or retired: `inventory.deprecate_mlmodel` on the model;
  scheduled jobs pass `actor=None` inside an `audit_context(label=...)` and are trusted
  for these (they never promote).

A version that reached production only ever moves forward (deprecated → archived →
retired): it is frozen evidence (`FROZEN_STAGES`), and the PostgreSQL trigger of the
versions migration refuses any other change too. The model's own `stage` follows its
versions (`mlmodel_stage_sync`), and `ever_in_production` is set for good on the first
production version.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_context
from core.permissions import user_can
from inventory.choices import ModelStage
from inventory.gates import GATED_STAGES, PromotionRequest, promotion_problems
from inventory.models import FROZEN_STAGES, MLModel, ModelVersion

__all__ = [
    "STAGE_ORDER",
    "TRANSITIONS",
    "allowed_transitions",
    "mlmodel_stage_sync",
    "model_version_transition",
    "transition_problems",
]

S = ModelStage
# The state machine: stage → the stages it may move to. Anything else is refused.
# Before production a version may be demoted (validation revoked, staging test failed) or
# abandoned to the archive; after it, it only moves forward.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.REGISTERED}),
    S.REGISTERED: frozenset({S.VALIDATED, S.ARCHIVED}),
    S.VALIDATED: frozenset({S.STAGING, S.REGISTERED, S.ARCHIVED}),
    S.STAGING: frozenset({S.PRODUCTION, S.VALIDATED, S.ARCHIVED}),
    S.PRODUCTION: frozenset({S.DEPRECATED}),
    S.DEPRECATED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset(),
}
STAGE_ORDER: tuple[str, ...] = tuple(S.values)

# The permission (on the model) each target stage needs; `change` on the version for a
# draft being submitted. Promotions into GATED_STAGES are checked by the gates instead.
_PERMISSION_FOR: dict[str, str] = {
    S.REGISTERED: "change",
    S.VALIDATED: "promote_mlmodel",
    S.DEPRECATED: "deprecate_mlmodel",
    S.ARCHIVED: "deprecate_mlmodel",
    S.RETIRED: "deprecate_mlmodel",
}
# Which stage a model shows, given its versions' stages: the most "live" one wins.
_MODEL_STAGE_PRECEDENCE: tuple[str, ...] = (
    S.PRODUCTION, S.STAGING, S.VALIDATED, S.REGISTERED, S.DRAFT, S.DEPRECATED, S.ARCHIVED,
    S.RETIRED)

Actor = AbstractBaseUser | None


def allowed_transitions(stage: str) -> list[str]:
    """The stages a version at `stage` may move to, in lifecycle order."""
    return [s for s in STAGE_ORDER if s in TRANSITIONS.get(stage, frozenset())]


def _label(stage: str) -> str:
    return S(stage).label.lower() if stage in S.values else repr(stage)


def transition_problems(*, version: ModelVersion, to_stage: str, actor: Actor,
                        reason: str) -> list[str]:
    """Why `actor` may not move `version` to `to_stage` now (empty: the move is allowed).

    The admin form and the dashboards call this to show the refusal as a form error; the
    service calls it again inside its transaction.
    """
    if to_stage not in S.values:
        return [f"“{to_stage}” is not a lifecycle stage; choose one of: "
                f"{', '.join(STAGE_ORDER)}."]
    from_stage = version.stage
    if to_stage == from_stage:
        return [f"{version} is already {_label(to_stage)}."]
    if to_stage not in TRANSITIONS[from_stage]:
        allowed = allowed_transitions(from_stage)
        where = (", ".join(_label(s) for s in allowed) if allowed
                 else "nowhere: retired is the end of the lifecycle")
        frozen = (" A version that reached production only moves forward; correct it by "
                  "registering a new version." if from_stage in FROZEN_STAGES else "")
        return [f"{version} cannot move from {_label(from_stage)} to {_label(to_stage)}; "
                f"from {_label(from_stage)} it may go to {where}.{frozen}"]
    if not (reason or "").strip():
        return ["Say why the stage changes (the reason is kept in the version's history)."]
    request = PromotionRequest(version=version, from_stage=from_stage, to_stage=to_stage,
                               actor=actor, reason=reason)
    if to_stage in GATED_STAGES:
        return promotion_problems(request)
    demotion = STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(from_stage)
    action = "promote_mlmodel" if demotion else _PERMISSION_FOR[to_stage]
    if actor is None:
        if action in {"deprecate_mlmodel"}:
            return []  # scheduled jobs deprecate, archive and retire (issue 4 items 6-7)
        return ["Only a person may validate, submit or demote a version; system jobs may "
                "only deprecate, archive or retire."]
    target = version if action == "change" else version.model
    if not user_can(actor, action, target):
        what = {"change": "change this version", "promote_mlmodel": "promote this model",
                "deprecate_mlmodel": "deprecate this model"}[action]
        return [f"You may not move {version} to {_label(to_stage)}: that needs permission to "
                f"{what}."]
    return []


def model_version_transition(*, version: ModelVersion, to_stage: str, actor: Actor,
                             reason: str) -> ModelVersion:
    """Move `version` to `to_stage` if the state machine, permissions and gates allow it.

    Locks the version row (two concurrent transitions of one version cannot both pass the
    check), writes one history row with the actor and reason, keeps the model's stage in
    step, and sends `model_version_stage_changed` after commit.

    Args:
        version: the version (its stored stage is re-read under lock).
        to_stage: a `ModelStage` value.
        actor: the acting user; None for a scheduled job (only deprecate/archive/retire).
        reason: why; mandatory, stored as the history row's change reason.
    Returns:
        The saved version.
    Raises:
        ValidationError: `{"to_stage": [...]}` for an illegal or refused transition;
            nothing is written.
    """
    from inventory.signals import model_version_stage_changed

    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = (ModelVersion.objects.select_for_update().select_related("model")
                  .get(pk=version.pk))
        problems = transition_problems(version=locked, to_stage=to_stage, actor=actor,
                                       reason=reason)
        if problems:
            raise ValidationError({"to_stage": problems})
        from_stage = locked.stage
        locked.stage = to_stage
        locked._change_reason = reason
        locked.save(update_fields=["stage", "updated_at"])
        mlmodel_stage_sync(model=locked.model, reason=f"{reason} ({locked} → {_label(to_stage)})")

        def send() -> None:
            model_version_stage_changed.send(
                sender=ModelVersion, version=locked, from_stage=from_stage, to_stage=to_stage,
                actor=actor, reason=reason)

        transaction.on_commit(send)
    version.stage = locked.stage
    return locked


def mlmodel_stage_sync(*, model: MLModel, reason: str) -> MLModel:
    """Set the model's stage from its versions' (the most live wins: a model with one
    version in production is "production" even while v+1 is in staging).

    Writes a history row only when the stage changes; `MLModel.save` then marks
    `ever_in_production` for good.
    """
    stages = set(model.versions.values_list("stage", flat=True))
    if not stages:
        return model
    stage = next(s for s in _MODEL_STAGE_PRECEDENCE if s in stages)
    if stage != model.stage:
        model.stage = stage
        model._change_reason = reason
        model.save(update_fields=["stage", "updated_at"])
    return model
