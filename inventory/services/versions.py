"""Writes and reads around model versions (issue 4): dataset links, branches, aliases, the
point-in-time question, and each version's components and storage.

Registration itself stays in `inventory.services.catalogue.model_version_register` (gap-free
numbering); it calls `model_version_datasets_link` and `model_branch_resolve` from here.
Stage changes are `inventory.services.lifecycle`'s. Every write is keyword-only, takes the
actor and a reason, runs in one transaction and leaves history rows with both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_context, describe_actor
from core.permissions import user_can
from inventory.choices import BranchKind, DatasetRole, VersioningStrategy
from inventory.models import (
    FROZEN_STAGES,
    AliasMove,
    DatasetVersion,
    MLModel,
    ModelAlias,
    ModelBranch,
    ModelVersion,
    ModelVersionDataset,
)

__all__ = [
    "PROTECTED_ALIASES",
    "AliasAt",
    "Component",
    "PointInTime",
    "VersionAt",
    "mlmodel_as_of",
    "mlmodel_storage",
    "model_alias_delete",
    "model_alias_problems",
    "model_alias_set",
    "model_branch_create",
    "model_branch_delete",
    "model_branch_main",
    "model_branch_resolve",
    "model_branch_update",
    "model_version_components",
    "model_version_datasets_link",
]

Actor = AbstractBaseUser | None
MAIN = "main"
# Aliases that say what serves decisions: moving them is a promotion decision, so it
# needs `inventory.promote_mlmodel` on the model (others need only `change` on it).
PROTECTED_ALIASES = frozenset({"champion", "production"})


def _user(actor: Actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _grant_author(actor: Actor, obj) -> None:
    """The author of a branch or alias may see, change and delete it (as for versions)."""
    from guardian.shortcuts import assign_perm

    from core.permissions import permission_name

    if _user(actor) is None:
        return
    for action in ("view", "change", "delete"):
        assign_perm(permission_name(type(obj), action), actor, obj)


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


# --------------------------------------------------------------------------------------
# Branches
# --------------------------------------------------------------------------------------
def model_branch_main(*, model: MLModel, actor: Actor = None, reason: str = "") -> ModelBranch:
    """The model's `main` branch, created on first use (every model has one trunk)."""
    branch = ModelBranch.objects.filter(model=model, name=MAIN).first()
    if branch is not None:
        return branch
    with transaction.atomic(), audit_context(user=actor, reason=reason or "Main branch"):
        branch = ModelBranch(model=model, name=MAIN, created_by=_user(actor),
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
                             created_by=_user(actor))
        branch.full_clean()
        branch._change_reason = reason
        branch.save()
        _grant_author(actor, branch)
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
        ValidationError: it is `main` or it has versions.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = ModelBranch.objects.select_for_update().get(pk=branch.pk)
        if locked.kind == BranchKind.MAIN:
            raise ValidationError("The main branch of a model is never deleted.")
        if locked.versions.exists():
            raise ValidationError(f"{locked} has versions and stays as part of their record; "
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
            version, now, _user(actor), reason)
        alias.full_clean(validate_constraints=False)
        alias._change_reason = reason
        created = alias.pk is None
        alias.save()
        if created:
            _grant_author(actor, alias)
        move = AliasMove.objects.create(
            model=model, alias_name=name, from_version=previous, to_version=version,
            moved_at=now, moved_by=_user(actor), actor=describe_actor(_user(actor)),
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
            to_version=None, moved_by=_user(actor), actor=describe_actor(_user(actor)),
            reason=reason)
        previous = locked.version
        locked._change_reason = reason
        locked.delete()
        transaction.on_commit(lambda: alias_moved.send(
            sender=ModelAlias, alias=locked, move=move, from_version=previous,
            to_version=None, actor=actor, reason=reason))


# --------------------------------------------------------------------------------------
# Point in time
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AliasAt:
    """Where an alias pointed at the asked time, and the move that put it there."""

    name: str
    version_id: int
    version: int
    moved_at: datetime.datetime
    moved_by: str
    reason: str


@dataclass(frozen=True)
class VersionAt:
    """A version's stage at the asked time, and the change that put it in that stage."""

    version_id: int
    version: int
    stage: str
    since: datetime.datetime
    changed_by: str
    reason: str


@dataclass
class PointInTime:
    """The answer to "what was the state of this model at `at`?"."""

    model: MLModel
    at: datetime.datetime
    aliases: list[AliasAt] = field(default_factory=list)
    versions: list[VersionAt] = field(default_factory=list)

    @property
    def production(self) -> list[VersionAt]:
        return [v for v in self.versions if v.stage == "production"]

    def alias(self, name: str) -> AliasAt | None:
        return next((a for a in self.aliases if a.name == name), None)


def mlmodel_as_of(*, model: MLModel, at: datetime.datetime) -> PointInTime:
    """Which version each alias pointed at, and which stage each version was in, at `at`,
    with who made that change and why — read from the audit records only (the alias move
    log and the versions' history), so later edits cannot rewrite the answer.

    Two queries, whatever the number of versions and moves.
    """
    if timezone.is_naive(at):
        at = timezone.make_aware(at, datetime.UTC)
    result = PointInTime(model=model, at=at)
    last_move: dict[str, AliasMove] = {}
    for move in (AliasMove.objects.filter(model=model, moved_at__lte=at)
                 .select_related("to_version").order_by("moved_at", "id")):
        last_move[move.alias_name] = move
    for name, move in sorted(last_move.items()):
        if move.to_version_id is not None:
            result.aliases.append(AliasAt(name=name, version_id=move.to_version_id,
                                          version=move.to_version.version,
                                          moved_at=move.moved_at, moved_by=move.actor,
                                          reason=move.reason))
    state: dict[int, Any] = {}
    entered: dict[int, Any] = {}
    rows = (ModelVersion.history.filter(model_id=model.pk, history_date__lte=at)
            .order_by("history_date", "history_id"))
    for row in rows:
        before = state.get(row.id)
        if before is None or before.stage != row.stage or before.history_type == "-":
            entered[row.id] = row
        state[row.id] = row
    for version_id, row in sorted(state.items(), key=lambda item: -item[1].version):
        if row.history_type == "-":
            continue
        change = entered[version_id]
        result.versions.append(VersionAt(
            version_id=version_id, version=row.version, stage=row.stage,
            since=change.history_date, changed_by=change.history_actor,
            reason=change.history_change_reason or ""))
    return result


# --------------------------------------------------------------------------------------
# Components and storage
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Component:
    """One part of a version (model, data, code, environment) and the bytes it takes."""

    kind: str  # model | data | code | environment
    label: str
    reference: str
    checksum: str = ""
    size: int | None = None
    note: str = ""


def model_version_components(version: ModelVersion, *,
                             links: list[ModelVersionDataset] | None = None) -> list[Component]:
    """What `version` is made of under its model's versioning strategy.

    Granular: each part pinned on its own (data referenced, stored once for all versions
    that use it). Monolithic: one bundle — the artefact — holds them all, so data and
    environment take no separate storage but are copied into every version's bundle.
    Pass prefetched `links` to avoid a query per version on lists.
    """
    links = list(version.dataset_links.select_related("dataset_version__dataset")) \
        if links is None else links
    bundled = version.model.versioning_strategy == VersioningStrategy.MONOLITHIC
    parts = [Component(
        kind="model", label="Bundle (model, data, code, environment)" if bundled else
        "Model artefact", reference=version.artifact_uri, checksum=version.artifact_sha256,
        size=version.artifact_size)]
    in_bundle = "inside the bundle" if bundled else ""
    for link in links:
        parts.append(Component(
            kind="data", label=f"{link.get_role_display()} data",
            reference=str(link.dataset_version), checksum=link.checksum_at_link,
            size=None if bundled else link.size_at_link,
            note=in_bundle or "stored once, shared by every version that uses it"))
    if version.code_repository or version.code_commit:
        signed = {True: "signed commit", False: "unsigned commit", None: "signature unknown"}[
            version.code_commit_signed]
        parts.append(Component(kind="code", label="Code",
                               reference=f"{version.code_repository}@{version.code_commit}",
                               size=None, note=in_bundle or f"in Git ({signed})"))
    if version.environment_uri or version.training_environment:
        parts.append(Component(kind="environment", label="Environment",
                               reference=version.environment_uri or version.training_environment,
                               size=None if bundled else version.environment_size,
                               note=in_bundle))
    return parts


def mlmodel_storage(model: MLModel) -> dict[str, Any]:
    """Bytes the model's versions take now, and what the other strategy would take.

    Granular stores each distinct dataset version and environment once; monolithic copies
    them into every version's bundle. Unknown sizes count as 0 (and are counted in
    `unknown`), so the comparison is a lower bound.
    """
    versions = list(model.versions.all())
    links = list(ModelVersionDataset.objects.filter(model_version__model=model))
    data_by_version: dict[int, dict[int, int]] = {}
    for link in links:
        data_by_version.setdefault(link.model_version_id, {})[link.dataset_version_id] = \
            link.size_at_link or 0
    unknown = sum(1 for v in versions if v.artifact_size is None)
    artefacts = sum(v.artifact_size or 0 for v in versions)
    distinct_data: dict[int, int] = {}
    for per_version in data_by_version.values():
        distinct_data.update(per_version)
    distinct_env = {v.environment_uri: v.environment_size or 0 for v in versions
                    if v.environment_uri}
    granular = artefacts + sum(distinct_data.values()) + sum(distinct_env.values())
    monolithic = sum((v.artifact_size or 0) + sum(data_by_version.get(v.pk, {}).values())
                     + (v.environment_size or 0) for v in versions)
    if model.versioning_strategy == VersioningStrategy.MONOLITHIC:
        # The artefacts already are bundles; how much of each is the model part is not
        # recorded, so the granular alternative cannot be estimated.
        return {"strategy": model.versioning_strategy, "versions": len(versions),
                "granular_bytes": None, "monolithic_bytes": artefacts,
                "current_bytes": artefacts, "unknown": unknown}
    return {"strategy": model.versioning_strategy, "versions": len(versions),
            "granular_bytes": granular, "monolithic_bytes": monolithic,
            "current_bytes": granular, "unknown": unknown}
