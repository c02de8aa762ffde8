"""Writes of branches and aliases: create, change and delete branches; set, move and delete
aliases (each move logged as an `AliasMove`).

`main` exists for every model and is never deleted; the protected aliases (`champion`,
`production`) move only for holders of `promote_mlmodel`. Every write is keyword-only,
takes the actor and a reason, runs in one transaction and leaves history rows with both.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_context, describe_actor
from core.exceptions import ConflictError
from core.permissions import user_can
from core.services.records import Actor
from inventory.choices import BranchKind
from inventory.models import AliasMove, MLModel, ModelAlias, ModelBranch, ModelVersion
from inventory.services.catalogue import actor_user, grant_author

__all__ = [
    "MAIN",
    "PROTECTED_ALIASES",
    "model_alias_delete",
    "model_alias_problems",
    "model_alias_set",
    "model_branch_create",
    "model_branch_delete",
    "model_branch_main",
    "model_branch_resolve",
    "model_branch_update",
]

MAIN = "main"


# Aliases that say what serves decisions: moving them is a promotion decision, so it
# needs `inventory.promote_mlmodel` on the model (others need only `change` on it).
PROTECTED_ALIASES = frozenset({"champion", "production"})


# --------------------------------------------------------------------------------------
# Branches
# --------------------------------------------------------------------------------------
def model_branch_main(*, model: MLModel, actor: Actor = None, reason: str = "") -> ModelBranch:
    """The model's `main` branch, created on first use (every model has one trunk)."""
    branch = ModelBranch.objects.filter(model=model, name=MAIN).first()
    if branch is not None:
        return branch
    with transaction.atomic(), audit_context(user=actor, reason=reason or "Main branch"):
        branch = ModelBranch(model=model, name=MAIN, created_by=actor_user(actor),
                             description="The main line of versions.")
        branch._change_reason = reason or "Main branch created with the first version"
        try:
            with transaction.atomic():
                branch.save()
        except IntegrityError:  # created a moment ago by a concurrent registration
            branch = ModelBranch.objects.get(model=model, name=MAIN)
    return branch


def model_branch_resolve(*, model: MLModel, branch: ModelBranch | str | int | None,
                         actor: Actor, reason: str) -> ModelBranch:
    """The branch a new version goes on: given by instance, id or name; `main` if none."""
    if branch in (None, "", MAIN):
        return model_branch_main(model=model, actor=actor, reason=reason)
    if isinstance(branch, ModelBranch):
        found = branch if branch.model_id == model.pk else None
    else:
        lookup = {"pk": branch} if isinstance(branch, int) else {"name": str(branch)}
        found = ModelBranch.objects.filter(model=model, **lookup).first()
    if found is None:
        raise ValidationError({"branch": [
            f"“{model.name}” has no branch {branch!s}; create it first (with its parent "
            "version) or leave it empty for main."]})
    return found


def model_branch_create(*, model: MLModel, actor: Actor, reason: str,
                        data: dict[str, Any]) -> ModelBranch:
    """Fork a branch (`exp/...`, `drift-test/...`) of `model` from a parent version.

    Raises:
        ValidationError: bad name, missing drift scenario on a drift test, parent version
            of another model, or the name already taken.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        parent = data.get("parent_version")
        if parent is not None and not isinstance(parent, ModelVersion):
            parent = ModelVersion.objects.filter(pk=parent).first()
        branch = ModelBranch(model=model, name=(data.get("name") or "").strip(),
                             parent_version=parent,
                             drift_scenario=(data.get("drift_scenario") or "").strip(),
                             description=data.get("description") or "",
                             created_by=actor_user(actor))
        branch.full_clean()
        branch._change_reason = reason
        branch.save()
        grant_author(actor, branch)
    return branch


def model_branch_update(*, branch: ModelBranch, actor: Actor, reason: str,
                        data: dict[str, Any]) -> ModelBranch:
    """Change a branch's description or drift scenario (its name and parent are its
    identity and never change: versions and history refer to them)."""
    fixed = {k for k in ("name", "parent_version", "model") if k in data
             and getattr(getattr(branch, k), "pk", getattr(branch, k))
             != getattr(data[k], "pk", data[k])}
    if fixed:
        raise ValidationError({k: ["A branch's name, model and parent version never change; "
                                   "create a new branch instead."] for k in sorted(fixed)})
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = ModelBranch.objects.select_for_update().get(pk=branch.pk)
        for name in ("description", "drift_scenario"):
            if name in data:
                setattr(locked, name, (data[name] or "").strip())
        locked.full_clean()
        locked._change_reason = reason
        locked.save()
    return locked


def model_branch_delete(*, branch: ModelBranch, actor: Actor, reason: str) -> None:
    """Delete an empty, non-main branch (a branch with versions is part of their record).

    Raises:
        ConflictError: it is `main` or it has versions.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = ModelBranch.objects.select_for_update().get(pk=branch.pk)
        if locked.kind == BranchKind.MAIN:
            raise ConflictError("The main branch of a model is never deleted.")
        if locked.versions.exists():
            raise ConflictError(f"{locked} has versions and stays as part of their record; "
                                  "only an empty branch can be deleted.")
        locked._change_reason = reason
        locked.delete()


# --------------------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------------------
def _alias_permission_problem(model: MLModel, name: str, actor: Actor) -> str | None:
    if actor is None or name not in PROTECTED_ALIASES:
        return None
    if not user_can(actor, "promote_mlmodel", model):
        return (f"“{name}” says which version serves decisions: moving it needs the "
                "“Can promote a model” permission on the model.")
    return None


def _check_alias_permission(model: MLModel, name: str, actor: Actor) -> None:
    problem = _alias_permission_problem(model, name, actor)
    if problem:
        raise ValidationError({"name": [problem]})


def model_alias_problems(*, model: MLModel, name: str, version: ModelVersion, actor: Actor,
                         reason: str) -> dict[str, list[str]]:
    """Why `model_alias_set` would refuse this move, field by field (empty: it would not);
    the admin form shows these next to its fields."""
    problems: dict[str, list[str]] = {}
    if not (reason or "").strip():
        problems["change_reason"] = ["Say why the alias moves; the reason is kept in its "
                                     "history and move log."]
    if version.model_id != model.pk:
        problems["version"] = ["An alias points at a version of its own model."]
    elif version.stage in {"archived", "retired"}:
        problems["version"] = [f"{version} is {version.get_stage_display().lower()}; an alias "
                               "points at a version that can still run."]
    else:
        current = ModelAlias.objects.filter(model=model, name=(name or "").strip()).first()
        if current is not None and current.version_id == version.pk:
            problems["version"] = [f"{current} already points at {version}."]
    permission = _alias_permission_problem(model, (name or "").strip(), actor)
    if permission:
        problems["name"] = [permission]
    return problems


def model_alias_set(*, model: MLModel, name: str, version: ModelVersion, actor: Actor,
                    reason: str) -> ModelAlias:
    """Point alias `name` of `model` at `version` (creating the alias if new).

    Writes the alias's history row and an `AliasMove` row (from, to, who, when, why),
    and sends `alias_moved` after commit.

    Raises:
        ValidationError: no reason, a bad name, a version of another model, a retired
            version, or a protected alias without the promote permission.
    """
    from inventory.signals import alias_moved

    name = (name or "").strip()
    problems = model_alias_problems(model=model, name=name, version=version, actor=actor,
                                    reason=reason)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        MLModel.objects.select_for_update().get(pk=model.pk)  # serialise moves per model
        alias = ModelAlias.objects.filter(model=model, name=name).first()
        previous = alias.version if alias is not None else None
        if alias is None:
            alias = ModelAlias(model=model, name=name)
        elif alias.version_id == version.pk:  # moved there a moment ago by someone else
            raise ValidationError({"version": [f"{alias} already points at {version}."]})
        now = timezone.now()
        alias.version, alias.moved_at, alias.moved_by, alias.reason = (
            version, now, actor_user(actor), reason)
        alias.full_clean(validate_constraints=False)
        alias._change_reason = reason
        created = alias.pk is None
        alias.save()
        if created:
            grant_author(actor, alias)
        move = AliasMove.objects.create(
            model=model, alias_name=name, from_version=previous, to_version=version,
            moved_at=now, moved_by=actor_user(actor), actor=describe_actor(actor_user(actor)),
            reason=reason)
        transaction.on_commit(lambda: alias_moved.send(
            sender=ModelAlias, alias=alias, move=move, from_version=previous,
            to_version=version, actor=actor, reason=reason))
    return alias


def model_alias_delete(*, alias: ModelAlias, actor: Actor, reason: str) -> None:
    """Remove an alias; the move log records the removal (`to_version` empty)."""
    from inventory.signals import alias_moved

    if not (reason or "").strip():
        raise ValidationError({"change_reason": ["Say why the alias is removed."]})
    _check_alias_permission(alias.model, alias.name, actor)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = ModelAlias.objects.select_for_update().select_related("version").get(
            pk=alias.pk)
        move = AliasMove.objects.create(
            model_id=locked.model_id, alias_name=locked.name, from_version=locked.version,
            to_version=None, moved_by=actor_user(actor), actor=describe_actor(actor_user(actor)),
            reason=reason)
        previous = locked.version
        locked._change_reason = reason
        locked.delete()
        transaction.on_commit(lambda: alias_moved.send(
            sender=ModelAlias, alias=locked, move=move, from_version=previous,
            to_version=None, actor=actor, reason=reason))
