"""Writes of the catalogue: register, change and delete assets; grants and permission denials.

Every door (API, admin, dashboards, demo data, jobs) registers and edits assets through
these functions, so the pre-registration validation of `inventory.services.standards`,
the accounting classification, the object grants and the audit trail are the same on
every path. Each function is keyword-only, takes the acting user and a reason, runs in
one transaction and writes history rows carrying both.

Object grants (django-guardian) made here, by design:
- the **creator** of an asset gets `view`, `change` and `delete` on it (deleting stays
  refused once a model has been in production); the creator of a version gets `view`
  and `change` on the version (`inventory.services.versions`);
- the **owner** (when not the creator) gets `view` and `change`, and on a model also
  `request_promotion_mlmodel`: they are accountable for it. A new owner set by an update
  gets the same; the previous owner keeps theirs until an administrator removes them
  (ownership disputes go through governance's escalation, not a silent revoke);
- the **team**'s members (people and pipelines' service accounts) get, on a model,
  `report_metrics_mlmodel` and `report_deployment_mlmodel`: metrics and deployments drive
  decisions (the decay trigger, what runs where), so only the owning team reports them.
  Given at registration and again to the new team when the team changes (a model without
  a team: its registrant and owner); `mlmodel_reporting_grant` gives them to one more
  user of one model. Otherwise team members already see their team's confidential assets
  through `Asset.restrict_visibility`, and what they may change is decided by their role.
Grants and denials of a deleted asset are removed with it, so that a new row reusing
the id does not inherit them.

Risk tier and compliance tags are controlled: only holders of `set_risk_tier_mlmodel` /
`set_compliance_tags_mlmodel` (risk and compliance officers) choose them, at registration
as after it (`mlmodel_risk_tier_set` / `mlmodel_compliance_tags_set`). Anyone else
registers a model at the conservative tier `high` (the stricter metadata standard) and
without compliance tags, until a risk officer or the risk assessment sets them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils import timezone
from guardian.models import UserObjectPermission

from core.audit import audit_context
from core.exceptions import conflict_from_protected
from core.models import PermissionDenial
from core.permissions import permission_name, user_can
from inventory.choices import AssetType, ModelStage, RiskTier
from inventory.models import (
    FROZEN_STAGES,
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Feature,
    MLModel,
    ModelVersion,
    Pipeline,
    SavedSearch,
    Tag,
)
from inventory.services.retention import legal_hold_refuse
from inventory.services.standards import asset_type_for, mlmodel_classify, registration_check
from inventory.validators import normalise_licence

__all__ = [
    "ASSET_CLASSES",
    "REGISTRATION_STAGES",
    "asset_create",
    "asset_delete",
    "asset_update",
    "mlmodel_compliance_tags_set",
    "mlmodel_create",
    "mlmodel_delete",
    "mlmodel_reclassify",
    "mlmodel_reporting_grant",
    "mlmodel_review_record",
    "mlmodel_risk_tier_set",
    "mlmodel_update",
    "permission_denial_create",
    "permission_denial_delete",
    "saved_search_create",
    "saved_search_delete",
]


# The acting user; None for system work (its audit label comes from `audit_context`).
Actor = AbstractBaseUser | None


# Stages a registration may start in; later stages come from promotion.
REGISTRATION_STAGES = frozenset({ModelStage.DRAFT, ModelStage.REGISTERED})


# Fields the services compute or that change only by a dedicated transition.
_MANAGED = {
    MLModel: {"classification", "classification_rationale", "ever_in_production", "stage",
              "last_reviewed_on"},
    ModelVersion: {"model", "version", "stage", "created_by", "branch"},
    DatasetVersion: {"dataset", "version"},
}


_IGNORED = {"change_reason", "id", "pk", "created_at", "updated_at"}
ASSET_CLASSES = (MLModel, Dataset, Feature, Pipeline)


# --------------------------------------------------------------------------------------
# Helpers: applying data, tags, grants
# --------------------------------------------------------------------------------------
def split_data(model_class: type[Model], data: dict[str, Any]) -> tuple[dict, dict]:
    """Separate concrete field values from many-to-many values; refuse unknown keys."""
    concrete = {f.name for f in model_class._meta.concrete_fields}
    many = {f.name for f in model_class._meta.many_to_many}
    fields, m2m, unknown = {}, {}, []
    for key, item in data.items():
        if key in _IGNORED:
            continue
        if key in many:
            m2m[key] = item
        elif key in concrete:
            fields[key] = item
        elif key.endswith("_id") and key[:-3] in concrete:
            fields[key[:-3]] = item
        else:
            unknown.append(key)
    if unknown:
        raise TypeError(f"{model_class.__name__} has no field(s) {', '.join(sorted(unknown))}")
    return fields, m2m


def set_fields(instance: Model, fields: dict[str, Any]) -> None:
    for name, item in fields.items():
        model_field = instance._meta.get_field(name)
        if model_field.is_relation and item is not None and not isinstance(item, Model):
            setattr(instance, model_field.attname, item)
        else:
            setattr(instance, name, item)


def refuse_managed_fields(instance: Model, fields: dict[str, Any], *, creating: bool) -> None:
    managed = _MANAGED.get(type(instance), set())
    problems: dict[str, list[str]] = {}
    for name in managed & set(fields):
        if creating and name == "stage" and fields[name] in REGISTRATION_STAGES:
            continue
        current = getattr(instance, instance._meta.get_field(name).attname)
        given = fields[name]
        given = getattr(given, "pk", given)
        if not creating and given == current:
            continue
        if name == "stage":
            problems[name] = ["The stage changes only through promotion, deprecation or "
                              "retirement, not by editing."]
        else:
            problems[name] = ["Set by Custodia; it cannot be edited."]
    if problems:
        raise ValidationError(problems)
    for name in managed & set(fields):
        if not (creating and name == "stage"):
            fields.pop(name)  # unchanged on an update: nothing to apply


def _tag_objects(names) -> list[Tag]:
    """Free tags, created on first use; stored in lower case so that search finds them."""
    tags = []
    for item in names or ():
        name = str(getattr(item, "name", item)).strip().lower()
        if name:
            tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags


def _compliance_tag_objects(items) -> list[ComplianceTag]:
    names = [i for i in items or () if isinstance(i, str)]
    found = {c.name: c for c in ComplianceTag.objects.filter(name__in=names)}
    return [found[i] if isinstance(i, str) else i for i in items or () if not isinstance(i, str)
            or i in found]


def _apply_m2m(instance: Model, m2m: dict[str, Any]) -> None:
    """Set tags (created on first use) and compliance tags (existing ones only)."""
    for name, items in m2m.items():
        objs = _tag_objects(items) if name == "tags" else _compliance_tag_objects(items)
        getattr(instance, name).set(objs)


def _m2m_diff(instance: Model, m2m: dict[str, Any]) -> list[str]:
    """Tag changes in words, appended to the history row's reason: simple-history does not
    version many-to-many fields, so this is how a tag change stays in the model's history."""
    notes = []
    for name, items in m2m.items():
        before = set(getattr(instance, name).values_list("name", flat=True)) if instance.pk else set()
        after = {str(getattr(i, "name", i)).strip().lower() if name == "tags"
                 else str(getattr(i, "name", i)) for i in items or ()}
        added, removed = sorted(after - before), sorted(before - after)
        if added or removed:
            label = "tags" if name == "tags" else "compliance tags"
            notes.append(f"{label}: " + ", ".join([f"+{n}" for n in added] + [f"-{n}" for n in removed]))
    return notes


def grant_actions(user, instance: Model, actions: list[str]) -> None:
    """Give `user` object permissions on `instance`: two queries, whatever the number of
    actions (guardian's `assign_perm` costs four queries per permission)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    content_type = ContentType.objects.get_for_model(instance)
    codenames = [permission_name(type(instance), action).split(".", 1)[1] for action in actions]
    permissions = Permission.objects.filter(content_type=content_type, codename__in=codenames)
    UserObjectPermission.objects.bulk_create(
        [UserObjectPermission(user=user, permission=permission, content_type=content_type,
                              object_pk=str(instance.pk)) for permission in permissions],
        ignore_conflicts=True,
    )


def save_with_reason(instance: Model, *, reason: str) -> None:
    """Save with the reason on the history row; a lost race on a unique name is a 400."""
    instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        if "name" in str(error).lower() or "unique" in str(error).lower():
            raise ValidationError({"name": ["This name was registered a moment ago by someone "
                                            "else; choose another."]}) from error
        raise


REPORTING_ACTIONS = ["report_metrics_mlmodel", "report_deployment_mlmodel"]


def _grant_reporting(model: MLModel, actor: Actor) -> None:
    """The right to report metrics and deployments of `model` to its team's members (to
    its registrant and owner when it has no team)."""
    if model.team_id is not None:
        reporters = list(model.team.members.all())
    else:
        reporters = [user for user in (actor, model.owner) if user is not None]
    for user in reporters:
        grant_actions(user, model, REPORTING_ACTIONS)


def _owner_actions(model_class: type[Model]) -> list[str]:
    return ["view", "change", "request_promotion_mlmodel"] if model_class is MLModel else [
        "view", "change"]


# --------------------------------------------------------------------------------------
# Assets (models, datasets, features, pipelines)
# --------------------------------------------------------------------------------------
def asset_create(*, model_class: type[Model], actor: Actor, reason: str, data: dict[str, Any]) -> Model:
    """Register a catalogue asset after every registration rule passed.

    Args:
        model_class: `MLModel`, `Dataset`, `Feature` or `Pipeline`.
        actor: the user registering it (gets view/change/delete on it).
        reason: why; stored on the history row.
        data: field values (related objects as instances or ids; `tags` as names,
            created on first use; `compliance_tags` as objects or names).
    Returns:
        The saved asset.
    Raises:
        ValidationError: every problem, field by field; nothing is written.
    """
    if model_class not in ASSET_CLASSES:
        raise TypeError(f"{model_class.__name__} is not a catalogue asset")
    asset_type = asset_type_for(model_class)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        fields, m2m = split_data(model_class, data)
        instance = model_class()
        refuse_managed_fields(instance, fields, creating=True)
        if model_class is MLModel:
            _check_controlled_at_registration(actor, fields, m2m)
        registration_check(asset_type=asset_type, data={**fields, **m2m})
        set_fields(instance, fields)
        _normalise(instance)
        if model_class is MLModel:
            instance.stage = fields.get("stage") or ModelStage.REGISTERED
            mlmodel_classify(instance)
        instance.full_clean(validate_constraints=False)
        save_with_reason(instance, reason=reason)
        _apply_m2m(instance, m2m)
        grant_actions(actor, instance, ["view", "change", "delete"])
        if instance.owner_id and instance.owner != actor:
            grant_actions(instance.owner, instance, _owner_actions(model_class))
        if model_class is MLModel:
            _grant_reporting(instance, actor)
    return instance


def asset_update(*, asset: Model, actor: Actor, reason: str, data: dict[str, Any]) -> Model:
    """Change an asset's metadata; the same rules as registration apply to the result.

    Raises:
        ValidationError: every problem, field by field (including an attempt to change
            a managed field, or the risk tier / compliance tags without the permission).
    """
    model_class = type(asset)
    asset_type = asset_type_for(model_class)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = model_class.objects.select_for_update().get(pk=asset.pk)
        legal_hold_refuse(instance, doing="changed")
        fields, m2m = split_data(model_class, data)
        refuse_managed_fields(instance, fields, creating=False)
        if model_class is MLModel:
            _check_controlled(instance, actor, fields, m2m)
        registration_check(asset_type=asset_type, data={**fields, **m2m}, instance=instance)
        previous_owner, previous_team = instance.owner_id, instance.team_id
        set_fields(instance, fields)
        _normalise(instance)
        if model_class is MLModel:
            mlmodel_classify(instance)
        instance.full_clean(validate_constraints=False)
        notes = _m2m_diff(instance, m2m)
        save_with_reason(instance, reason="; ".join([reason, *notes]) if notes else reason)
        _apply_m2m(instance, m2m)
        if instance.owner_id and instance.owner_id != previous_owner:
            grant_actions(instance.owner, instance, _owner_actions(model_class))
        if model_class is MLModel and instance.team_id != previous_team:
            # The new team reports from now on; the previous team's grants stay until an
            # administrator removes them, as for a previous owner.
            _grant_reporting(instance, actor)
    return instance


def asset_delete(*, asset: Model, actor: Actor, reason: str) -> None:
    """Delete an asset (and a model's never-deployed versions), with its grants.

    Raises:
        ValidationError: the model has been in production, or the dataset has versions.
        ConflictError: a legal hold covers it or one of its versions, or other records
            (a released hold, a purge record...) still refer to it or to a version; they
            are named and nothing is deleted.
    """
    try:
        _asset_delete(asset=asset, actor=actor, reason=reason)
    except (ProtectedError, RestrictedError) as error:
        raise conflict_from_protected(error, obj=asset) from error


def _asset_delete(*, asset: Model, actor: Actor, reason: str) -> None:
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = type(asset).objects.select_for_update().get(pk=asset.pk)
        legal_hold_refuse(instance, doing="deleted", with_versions=True)
        if isinstance(instance, MLModel):
            if instance.ever_in_production or instance.versions.filter(
                    stage__in=FROZEN_STAGES).exists():
                raise ValidationError(
                    f"“{instance.name}” has been in production and can never be deleted: the "
                    "inventory keeps every model that ever served decisions (SR 11-7, EU AI Act "
                    "record keeping). Deprecate or retire it instead.")
            for version in instance.versions.all():
                version._change_reason = reason
                version.delete()
        if isinstance(instance, Dataset) and instance.versions.exists():
            raise ValidationError(
                f"“{instance.name}” has recorded versions, which models and lineage may refer "
                "to; it cannot be deleted. Mark it deprecated in its description instead.")
        instance._change_reason = reason
        instance.delete()


def _normalise(instance: Model) -> None:
    if isinstance(instance, MLModel):
        instance.licence = normalise_licence(instance.licence)
    if hasattr(instance, "name") and isinstance(instance.name, str):
        instance.name = instance.name.strip()


def _check_controlled(instance: MLModel, actor, fields: dict, m2m: dict) -> None:
    problems = {}
    if "risk_tier" in fields and fields["risk_tier"] != instance.risk_tier and actor is not None \
            and not user_can(actor, "set_risk_tier_mlmodel", instance):
        problems["risk_tier"] = ["Once registered, the risk tier is set by risk officers "
                                 "(or the risk assessment); ask one to change it."]
    if "compliance_tags" in m2m and actor is not None and not user_can(
            actor, "set_compliance_tags_mlmodel", instance):
        current = set(instance.compliance_tags.values_list("name", flat=True))
        wanted = {str(getattr(i, "name", i)) for i in m2m["compliance_tags"] or ()}
        if current != wanted:
            problems["compliance_tags"] = ["Once registered, compliance tags are set by "
                                           "compliance officers; ask one to change them."]
    if problems:
        raise ValidationError(problems)


def _check_controlled_at_registration(actor, fields: dict, m2m: dict) -> None:
    """Risk tier and compliance tags are chosen at registration only by those who may set
    them afterwards; anyone else gets the default tier (`high`) and no compliance tags."""
    if actor is None:
        return  # system work (imports run under their own audit label)
    problems = {}
    default_tier = MLModel._meta.get_field("risk_tier").default
    if fields.get("risk_tier") not in (None, "", default_tier) and not user_can(
            actor, "set_risk_tier_mlmodel", model=MLModel):
        problems["risk_tier"] = [
            f"Only risk officers (or the risk assessment) choose the risk tier; a new model "
            f"starts at “{default_tier}” until one sets it. Leave this field out."]
    if m2m.get("compliance_tags") and not user_can(actor, "set_compliance_tags_mlmodel",
                                                   model=MLModel):
        problems["compliance_tags"] = [
            "Only compliance officers choose compliance tags; register without them and ask "
            "one to set them."]
    if problems:
        raise ValidationError(problems)
    if fields.get("risk_tier") in (None, ""):
        fields.pop("risk_tier", None)


def mlmodel_reporting_grant(*, model: MLModel, user, actor: Actor, reason: str) -> None:
    """Give `user` (a person or a pipeline's service account) the right to report metrics
    and deployments of `model`; granted by whoever may change the model.

    Raises:
        PermissionDenied: the actor may not change the model.
    """
    from django.core.exceptions import PermissionDenied

    if actor is not None and not user_can(actor, "change", model):
        raise PermissionDenied("You may not grant rights on this model.")
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        grant_actions(user, model, REPORTING_ACTIONS)


def mlmodel_create(*, actor: Actor, reason: str, data: dict[str, Any]) -> MLModel:
    """Register a model (see `asset_create`)."""
    return asset_create(model_class=MLModel, actor=actor, reason=reason, data=data)


def mlmodel_update(*, model: MLModel, actor: Actor, reason: str, data: dict[str, Any]) -> MLModel:
    """Change a model's metadata (see `asset_update`)."""
    return asset_update(asset=model, actor=actor, reason=reason, data=data)


def mlmodel_delete(*, model: MLModel, actor: Actor, reason: str) -> None:
    """Delete a model that never reached production (see `asset_delete`)."""
    asset_delete(asset=model, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------
# Model transitions owned by other roles
# --------------------------------------------------------------------------------------
def mlmodel_reclassify(*, model: MLModel, actor: Actor, reason: str) -> MLModel:
    """Re-apply the accounting policy (after an administrator changed its rules).

    Writes a history row only when the classification or its rationale changed.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = MLModel.objects.select_for_update().get(pk=model.pk)
        legal_hold_refuse(instance, doing="changed")
        before = (instance.classification, instance.classification_rationale)
        mlmodel_classify(instance)
        if (instance.classification, instance.classification_rationale) != before:
            save_with_reason(instance, reason=reason)
    return instance


def mlmodel_risk_tier_set(*, model: MLModel, actor: Actor, reason: str, risk_tier: str) -> MLModel:
    """Set a model's risk tier by hand (until `risk` computes it), re-checking the standard.

    A higher tier may make more metadata mandatory; the change is refused, listing the
    missing fields, until they are filled.

    Raises:
        ValidationError: unknown tier, or the model lacks metadata the tier requires.
    """
    if risk_tier not in RiskTier.values:
        raise ValidationError({"risk_tier": [f"Choose one of: {', '.join(RiskTier.values)}."]})
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = MLModel.objects.select_for_update().get(pk=model.pk)
        legal_hold_refuse(instance, doing="changed")
        registration_check(asset_type=AssetType.MODEL, data={"risk_tier": risk_tier},
                           instance=instance)
        instance.risk_tier = risk_tier
        save_with_reason(instance, reason=reason)
    return instance


def mlmodel_review_record(*, model: MLModel, actor: Actor, reason: str,
                          reviewed_on: date | None = None) -> MLModel:
    """Record a periodic review of `model` (what was reviewed and concluded is the reason).

    Args:
        model: the reviewed model.
        actor: who reviewed it; needs `review_mlmodel` on the model.
        reason: the review's conclusion, kept on the history row.
        reviewed_on: the review date (today by default); never in the future and never
            before the last recorded review.
    Returns:
        The model with `last_reviewed_on` set.
    Raises:
        PermissionDenied: the actor may not record reviews of this model.
        ValidationError: no conclusion, or a date in the future or before the last review.
    """
    reviewed_on = reviewed_on or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say what the review concluded."]})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": ["A review cannot be dated in the future."]})
    if actor is not None and not user_can(actor, "review_mlmodel", model):
        raise PermissionDenied("Recording a review needs the right to review this model.")
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = MLModel.objects.select_for_update().get(pk=model.pk)
        if instance.last_reviewed_on and reviewed_on < instance.last_reviewed_on:
            raise ValidationError({"reviewed_on": [
                f"A later review is already recorded ({instance.last_reviewed_on:%Y-%m-%d})."]})
        instance.last_reviewed_on = reviewed_on
        save_with_reason(instance, reason=reason)
    return instance


def mlmodel_compliance_tags_set(*, model: MLModel, actor: Actor, reason: str,
                                compliance_tags: list) -> MLModel:
    """Replace a model's compliance tags (controlled vocabulary: unknown names refused)."""
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = MLModel.objects.select_for_update().get(pk=model.pk)
        legal_hold_refuse(instance, doing="changed")
        registration_check(asset_type=AssetType.MODEL,
                           data={"compliance_tags": list(compliance_tags)}, instance=instance)
        m2m = {"compliance_tags": list(compliance_tags)}
        notes = _m2m_diff(instance, m2m)
        save_with_reason(instance, reason="; ".join([reason, *notes]) if notes else reason)
        _apply_m2m(instance, m2m)
    return instance


# --------------------------------------------------------------------------------------
# Denials and saved searches
# --------------------------------------------------------------------------------------
def permission_denial_create(*, obj: Model, action: str, actor: Actor, reason: str, user=None,
                             group: Group | None = None) -> PermissionDenial:
    """Deny `action` on `obj` to a user or a group; it wins over roles and grants.

    Denying `view` hides the object entirely (lists, search, detail, exports).

    Raises:
        ValidationError: no/both of user and group, no reason, or an unknown action.
    """
    from django.contrib.auth.models import Permission

    content_type = ContentType.objects.get_for_model(obj)
    known = set(Permission.objects.filter(content_type=content_type).values_list(
        "codename", flat=True))
    standard = {"view", "add", "change", "delete"}
    if action not in standard and action not in known:
        raise ValidationError({"action": [f"Choose one of: {', '.join(sorted(standard | known))}."]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the access is denied."]})
    denial = PermissionDenial(content_type=content_type, object_id=str(obj.pk), user=user,
                              group=group, action=action, reason=reason,
                              created_by=actor if getattr(actor, "is_authenticated", False)
                              else None)
    denial.full_clean()
    denial.save()
    return denial


def permission_denial_delete(*, denial: PermissionDenial, actor: Actor, reason: str) -> None:
    """Lift a denial (the role's and grants' permissions apply again)."""
    denial.delete()


def saved_search_create(*, user, page: str, name: str, query: str) -> SavedSearch:
    """Save a user's filter of a list page under a name (unique per user and page)."""
    search = SavedSearch(user=user, page=page, name=(name or "").strip(), query=query or "")
    search.full_clean()
    search.save()
    return search


def saved_search_delete(*, search: SavedSearch, user) -> None:
    """Delete one of the user's own saved searches."""
    if search.user_id != user.pk:
        raise ValidationError("This saved search belongs to someone else.")
    search.delete()


def actor_user(actor: Actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def grant_author(actor: Actor, obj) -> None:
    """The author of a branch or alias may see, change and delete it (as for versions)."""
    from guardian.shortcuts import assign_perm


    if actor_user(actor) is None:
        return
    for action in ("view", "change", "delete"):
        assign_perm(permission_name(type(obj), action), actor, obj)
