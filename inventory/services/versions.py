"""Writes of versions: registration (gap-free numbering), changes, dataset links, the stage
state machine and the promotion gates.

## Stage state machine

    draft → registered → validated → staging → production → deprecated → archived → retired

`TRANSITIONS` is the whole machine; every door (API action, admin, dashboards, the
deprecation and retention jobs, CI/CD) calls `model_version_transition`.
An illegal move is refused with a `ValidationError` naming the stages it may go to.

Who may move a version (checked here, so the rule is the same on every door):
- into staging or production: every promotion gate (below) must agree; the
  built-in gate asks for `inventory.promote_mlmodel` on the model (role or object grant),
  and it is the only gate registered today;
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


## Versioning strategy (what a version pins)

A version of a *granular* model pins its data, code and environment separately: linked
dataset versions each with a SHA-256, a code commit, and an environment digest (container
image digest or lock-file hash). A version of a *monolithic* model pins one bundle: the
artefact's location and SHA-256. `model_version_pin_problems` says what is missing, per
field; registration (unless the version is kept as a draft) and every forward move into
registered, validated, staging or production refuse a version that does not pin what its
model's strategy asks for, on every door.


## Promotion gates

Promotion gates: the extension point through which other apps decide whether a version may
be promoted into staging or production (docs/architecture.md, "gates that others register into").

`inventory` imports no other app. A higher app registers a gate in its
`AppConfig.ready()`, for example:

    from inventory.services.versions import register_promotion_gate

    def owner_gate(request: PromotionRequest) -> list[str]:
        return [] if request.version.model.owner_id else ["The model has no owner."]

    register_promotion_gate(owner_gate, name="example.owner")

`model_version_transition` asks every gate on each promotion
into a `GATED_STAGES` stage and proceeds only if all of them return no problem. The
built-in gate (`permission_gate`) asks for `inventory.promote_mlmodel` on the model (a role
or an object grant); it stays registered whatever other gates are added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.audit import audit_context
from core.exceptions import ConflictError
from core.permissions import user_can
from inventory.choices import AssetType, DatasetRole, ModelStage, VersioningStrategy
from inventory.models import (
    FROZEN_STAGES,
    Dataset,
    DatasetVersion,
    MLModel,
    ModelVersion,
    ModelVersionDataset,
)
from inventory.services.branches import model_branch_resolve
from inventory.services.catalogue import (
    grant_actions,
    refuse_managed_fields,
    save_with_reason,
    set_fields,
    split_data,
)
from inventory.services.retention import legal_hold_refuse
from inventory.services.standards import (
    registration_check,
)

__all__ = [
    "GATED_STAGES",
    "PINNED_FIELDS",
    "PINNED_STAGES",
    "STAGE_ORDER",
    "TRANSITIONS",
    "PromotionGate",
    "PromotionRequest",
    "S",
    "allowed_transitions",
    "dataset_version_frozen",
    "dataset_version_register",
    "dataset_version_update",
    "mlmodel_stage_sync",
    "model_version_datasets_link",
    "model_version_delete",
    "model_version_pin_problems",
    "model_version_register",
    "model_version_transition",
    "model_version_update",
    "permission_gate",
    "pin_problems",
    "promotion_gates",
    "promotion_problems",
    "register_promotion_gate",
    "transition_problems",
    "unregister_promotion_gate",
]


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------
def model_version_register(*, model: MLModel, actor: Actor, reason: str,
                           data: dict[str, Any]) -> ModelVersion:
    """Register the next version of `model`, numbered without gaps (1, 2, 3, ...).

    The model row is locked (`select_for_update`) while the number is taken, so two
    concurrent registrations get consecutive numbers; a refused registration takes no
    number. A draft model becomes registered with its first registered version.

    Raises:
        ValidationError: every problem of the version, field by field.
    """
    from inventory.signals import model_version_registered

    data = dict(data)
    links = data.pop("datasets", None)
    branch = data.pop("branch", None)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = MLModel.objects.select_for_update().get(pk=model.pk)
        fields, _ = split_data(ModelVersion, data)
        fields.pop("model", None)
        version = ModelVersion(model=locked)
        refuse_managed_fields(version, fields, creating=True)
        registration_check(asset_type=AssetType.MODEL_VERSION, data={**fields, "model": locked})
        set_fields(version, fields)
        version.branch = model_branch_resolve(model=locked, branch=branch, actor=actor,
                                              reason=reason)
        version.stage = fields.get("stage") or ModelStage.REGISTERED
        version.created_by = actor if getattr(actor, "is_authenticated", False) else None
        last = locked.versions.aggregate(last=Max("version"))["last"] or 0
        version.version = last + 1
        _full_clean_with_pins(version, links=links, actor=actor)
        save_with_reason(version, reason=reason)
        if links:
            model_version_datasets_link(version=version, links=links, actor=actor,
                                        reason=reason)
        grant_actions(actor, version, ["view", "change"])
        if locked.stage == ModelStage.DRAFT and version.stage == ModelStage.REGISTERED:
            locked.stage = ModelStage.REGISTERED
            save_with_reason(locked, reason=f"{reason} (version {version.version} registered)")
        transaction.on_commit(lambda: model_version_registered.send(
            sender=ModelVersion, version=version, actor=actor, reason=reason))
    return version


# --------------------------------------------------------------------------------------
# Versioning strategy: what a version must pin
# --------------------------------------------------------------------------------------
# Stages a version enters only once it pins what its model's strategy asks for.
PINNED_STAGES = frozenset({ModelStage.REGISTERED, ModelStage.VALIDATED, ModelStage.STAGING,
                           ModelStage.PRODUCTION})
# The version fields the strategies read (data is pinned by the dataset links).
PINNED_FIELDS = ("artifact_uri", "artifact_sha256", "code_commit", "environment_digest")


def pin_problems(*, strategy: str, fields: dict[str, Any],
                 dataset_versions: list[DatasetVersion]) -> dict[str, list[str]]:
    """What a version with these `fields` and linked `dataset_versions` fails to pin under
    `strategy`, by field name (empty: nothing missing)."""
    problems: dict[str, list[str]] = {}
    if strategy == VersioningStrategy.MONOLITHIC:
        if not fields.get("artifact_uri"):
            problems["artifact_uri"] = [
                "A monolithic version pins one bundle: give the location of the bundle "
                "(model, data, code and environment together)."]
        if not fields.get("artifact_sha256"):
            problems["artifact_sha256"] = [
                "A monolithic version pins one bundle: give the bundle's SHA-256."]
        return problems
    if not dataset_versions:
        problems["datasets"] = [
            "A granular version pins its data: link the dataset versions it was trained, "
            "validated or tested on."]
    elif unchecked := [str(dv) for dv in dataset_versions if not dv.sha256]:
        problems["datasets"] = [
            f"A granular version pins its data by checksum: {', '.join(unchecked)} "
            "has no SHA-256 recorded."]
    if not fields.get("code_commit"):
        problems["code_commit"] = ["A granular version pins its code: give the code commit."]
    if not fields.get("environment_digest"):
        problems["environment_digest"] = [
            "A granular version pins its environment: give the container image digest or "
            "the SHA-256 of the environment lock file."]
    return problems


def model_version_pin_problems(version: ModelVersion) -> dict[str, list[str]]:
    """What a stored `version` fails to pin under its model's versioning strategy."""
    fields = {name: getattr(version, name) for name in PINNED_FIELDS}
    linked = [link.dataset_version for link in
              version.dataset_links.select_related("dataset_version__dataset")]
    return pin_problems(strategy=version.model.versioning_strategy, fields=fields,
                        dataset_versions=linked)


def _full_clean_with_pins(version: ModelVersion, *, links: list[dict[str, Any]] | None,
                          actor: Actor) -> None:
    """One `ValidationError` with the field errors and what the strategy misses."""
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if version.stage in PINNED_STAGES:
        try:
            linked = list(_resolve_links(links, actor).values()) if links else []
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            fields = {name: getattr(version, name) for name in PINNED_FIELDS}
            for name, found in pin_problems(strategy=version.model.versioning_strategy,
                                            fields=fields, dataset_versions=linked).items():
                errors.setdefault(name, []).extend(found)
    if errors:
        raise ValidationError(errors)


def model_version_update(*, version: ModelVersion, actor: Actor, reason: str,
                         data: dict[str, Any]) -> ModelVersion:
    """Change a version's metadata while it has not reached production.

    Raises:
        ConflictError: the version has reached production and is frozen.
        ValidationError: the result breaks a rule.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = ModelVersion.objects.select_for_update().select_related("model").get(
            pk=version.pk)
        legal_hold_refuse(instance, doing="changed")
        if instance.stage in FROZEN_STAGES:
            raise ConflictError(
                f"{instance} has reached {instance.get_stage_display().lower()} and is frozen: "
                "no field, artefact, checksum or dataset link can change. Register a new "
                "version instead.")
        data = dict(data)
        links = data.pop("datasets", None)
        fields, _ = split_data(ModelVersion, data)
        refuse_managed_fields(instance, fields, creating=False)
        registration_check(asset_type=AssetType.MODEL_VERSION, data=fields, instance=instance)
        set_fields(instance, fields)
        instance.full_clean(validate_constraints=False)
        save_with_reason(instance, reason=reason)
        if links is not None:
            model_version_datasets_link(version=instance, links=links, actor=actor,
                                        reason=reason)
    return instance


def model_version_delete(*, version: ModelVersion, actor: Actor, reason: str) -> None:
    """Versions are never deleted on their own: numbering stays gap-free and evidence stays.

    Raises:
        ConflictError: always; delete the whole (never-deployed) model instead.
    """
    raise ConflictError(
        f"{version} cannot be deleted on its own: version numbers stay gap-free and every "
        "version is evidence. Deprecate it, or delete the whole model if it never reached "
        "production.")


def dataset_version_register(*, dataset: Dataset, actor: Actor, reason: str,
                             data: dict[str, Any]) -> DatasetVersion:
    """Record the next version of a dataset, numbered without gaps like model versions."""
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        fields, _ = split_data(DatasetVersion, data)
        fields.pop("dataset", None)
        version = DatasetVersion(dataset=locked)
        refuse_managed_fields(version, fields, creating=True)
        set_fields(version, fields)
        last = locked.versions.aggregate(last=Max("version"))["last"] or 0
        version.version = last + 1
        from inventory.validators import schema_problem

        problem = schema_problem(version.schema)
        errors: dict[str, list[str]] = {"schema": [problem]} if problem else {}
        try:
            version.full_clean(validate_constraints=False, exclude=list(errors))
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        save_with_reason(version, reason=reason)
        grant_actions(actor, version, ["view", "change"])
    return version


def dataset_version_frozen(version: DatasetVersion) -> bool:
    """A dataset version that a frozen (ever in production) model version was built from is
    evidence of that model: where its bytes were and their checksum no longer change."""
    return version.model_version_links.filter(model_version__stage__in=FROZEN_STAGES).exists()


def dataset_version_update(*, version: DatasetVersion, actor: Actor, reason: str,
                           data: dict[str, Any]) -> DatasetVersion:
    """Correct a dataset version's location, checksum, size, row count or schema.

    Raises:
        ValidationError: a managed field, or field by field (bad checksum, bad schema);
            nothing is written.
        ConflictError: a legal hold covers the version or its dataset, or a frozen model
            version was built from it.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = DatasetVersion.objects.select_for_update().select_related("dataset").get(
            pk=version.pk)
        legal_hold_refuse(instance, doing="changed")
        if dataset_version_frozen(instance):
            raise ConflictError(
                f"{instance} was used by a model version that reached production and is frozen "
                "evidence of it; record a new version instead.")
        fields, _ = split_data(DatasetVersion, data)
        refuse_managed_fields(instance, fields, creating=False)
        set_fields(instance, fields)
        instance.full_clean(validate_constraints=False)
        save_with_reason(instance, reason=reason)
    return instance


if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from inventory.models import ModelVersion


# Stages whose entry needs every gate's consent.
GATED_STAGES = frozenset({ModelStage.STAGING, ModelStage.PRODUCTION})


@dataclass(frozen=True)
class PromotionRequest:
    """What a gate is asked about: this version, from this stage to that one, by whom, why."""

    version: ModelVersion
    from_stage: str
    to_stage: str
    actor: AbstractBaseUser | None
    reason: str


# A gate returns the problems that block the promotion, in plain words; [] means "agreed".
PromotionGate = Callable[[PromotionRequest], list[str]]


_gates: dict[str, PromotionGate] = {}


def register_promotion_gate(gate: PromotionGate, *, name: str | None = None) -> None:
    """Add `gate` (idempotent per name, so a re-run `ready()` does not add it twice)."""
    _gates[name or f"{gate.__module__}.{gate.__qualname__}"] = gate


def unregister_promotion_gate(name: str) -> None:
    """Remove a gate by name (tests, or an app replacing its own gate)."""
    _gates.pop(name, None)


def promotion_gates() -> dict[str, PromotionGate]:
    """The registered gates by name, in registration order."""
    return dict(_gates)


def promotion_problems(request: PromotionRequest) -> list[str]:
    """Every gate's problems with `request` (empty: all gates agree)."""
    if request.to_stage not in GATED_STAGES:
        return []
    problems: list[str] = []
    for gate in _gates.values():
        problems.extend(gate(request))
    return problems


def permission_gate(request: PromotionRequest) -> list[str]:
    """Promotion needs `inventory.promote_mlmodel` on the model, held by role or granted."""
    from core.permissions import user_can

    if request.actor is None:
        return ["A promotion into staging or production needs a person (or a pipeline "
                "account) holding the promote permission; a system job cannot promote."]
    if not user_can(request.actor, "promote_mlmodel", request.version.model):
        return [f"You may not promote “{request.version.model.name}”: promotion into "
                f"{request.to_stage} needs the “Can promote a model” permission "
                "(validators and CAB members hold it, or it is granted on the model)."]
    return []


register_promotion_gate(permission_gate, name="inventory.permission")
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
            return []  # scheduled jobs deprecate, archive and retire (deprecation and retention jobs)
        return ["Only a person may validate, submit or demote a version; system jobs may "
                "only deprecate, archive or retire."]
    target = version if action == "change" else version.model
    if not user_can(actor, action, target):
        what = {"change": "change this version", "promote_mlmodel": "promote this model",
                "deprecate_mlmodel": "deprecate this model"}[action]
        return [f"You may not move {version} to {_label(to_stage)}: that needs permission to "
                f"{what}."]
    return []


def _moves_forward_into_pinned(from_stage: str, to_stage: str) -> bool:
    return to_stage in PINNED_STAGES and STAGE_ORDER.index(to_stage) > STAGE_ORDER.index(from_stage)


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
        legal_hold_refuse(locked, doing=f"moved to {_label(to_stage)}")
        problems = transition_problems(version=locked, to_stage=to_stage, actor=actor,
                                       reason=reason)
        if problems:
            raise ValidationError({"to_stage": problems})
        if _moves_forward_into_pinned(locked.stage, to_stage):
            missing = model_version_pin_problems(locked)
            if missing:
                raise ValidationError({**missing, "to_stage": [
                    f"{locked} cannot move to {_label(to_stage)}: it does not pin what the "
                    f"model's {locked.model.versioning_strategy} versioning strategy asks for "
                    f"({', '.join(sorted(missing))})."]})
        from_stage = locked.stage
        locked.stage = to_stage
        locked._change_reason = reason
        locked.save(update_fields=["stage", "updated_at"])
        if to_stage in (ModelStage.ARCHIVED, ModelStage.RETIRED):
            # An archived or retired version serves nothing: its deployments stop with it.
            from inventory.services.deployments import deployments_stop

            deployments_stop(version=locked, actor=actor,
                             reason=f"{reason} (version {_label(to_stage)})")
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


Actor = AbstractBaseUser | None


# --------------------------------------------------------------------------------------
# Dataset links
# --------------------------------------------------------------------------------------
def model_version_datasets_link(*, version: ModelVersion, links: list[dict[str, Any]],
                                actor: Actor, reason: str) -> list[ModelVersionDataset]:
    """Set the dataset versions `version` was trained, validated and tested on.

    Each link records the dataset version's SHA-256 and size *now* (`checksum_at_link`),
    so an audit can tell whether the bytes later changed. The given list replaces the
    current links; unchanged links keep their original checksum.

    Args:
        links: `[{"dataset_version": DatasetVersion | id, "role": "train"}, ...]`.
        actor: must be allowed to view each dataset version.
    Raises:
        ValidationError: the version is frozen, a role is unknown, a dataset version does
            not exist or is not visible to `actor`, or a link is given twice.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        legal_hold_refuse(locked, doing="changed")
        if locked.stage in FROZEN_STAGES:
            raise ValidationError({"datasets": [
                f"{locked} has reached production and is frozen: the dataset versions it was "
                "trained, validated and tested on cannot change. Register a new version."]})
        wanted = _resolve_links(links, actor)
        current = {(link.dataset_version_id, link.role): link
                   for link in locked.dataset_links.all()}
        for key, link in current.items():
            if key not in wanted:
                link._change_reason = reason
                link.delete()
        result = []
        for key, dataset_version in wanted.items():
            link = current.get(key)
            if link is None:
                link = ModelVersionDataset(
                    model_version=locked, dataset_version=dataset_version, role=key[1],
                    checksum_at_link=dataset_version.sha256, size_at_link=dataset_version.size)
                link.full_clean(validate_constraints=False)
                link._change_reason = reason
                link.save()
            result.append(link)
    return result


def _resolve_links(links: list[dict[str, Any]], actor: Actor) -> dict[tuple[int, str], DatasetVersion]:
    problems: list[str] = []
    wanted: dict[tuple[int, str], DatasetVersion] = {}
    ids = [getattr(item.get("dataset_version"), "pk", item.get("dataset_version"))
           for item in links or ()]
    visible = DatasetVersion.objects.all() if actor is None else \
        DatasetVersion.objects.restrict(actor, "view")
    found = {dv.pk: dv for dv in visible.filter(pk__in=[i for i in ids if i is not None])}
    for position, (item, pk) in enumerate(zip(links or (), ids, strict=True), start=1):
        role = item.get("role")
        if role not in DatasetRole.values:
            problems.append(f"Link {position}: role must be one of {', '.join(DatasetRole.values)}.")
            continue
        dataset_version = found.get(pk if isinstance(pk, int) else _int(pk))
        if dataset_version is None:
            problems.append(f"Link {position}: dataset version {pk} does not exist or you may "
                            "not see it.")
            continue
        key = (dataset_version.pk, role)
        if key in wanted:
            problems.append(f"Link {position}: {dataset_version} is already linked as {role}.")
        wanted[key] = dataset_version
    if problems:
        raise ValidationError({"datasets": problems})
    return wanted


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
