"""Writes of the MLflow registry door: MLflow's requests translated into the inventory's own
services, so registration rules, the metadata standard, naming, history, grants, promotion
gates and the freezing of production versions apply exactly as on every other door.

## Tags

An MLflow tag is stored as a key/value label of the model or version (`labels`). A tag
whose key starts with `custodia.` names one of Custodia's own fields instead
(`custodia.owner`, `custodia.team`, `custodia.code_commit`...; `MODEL_TAG_FIELDS`,
`VERSION_TAG_FIELDS`): setting it changes that field through the model or version service,
deleting it empties the field. `custodia.change_reason` on a create is the reason kept in
the history instead of the default one. Values are text: users by user name, teams by slug,
lists (tags, compliance tags) comma-separated, JSON fields (schemas, metrics, dataset
links) as JSON, booleans as `true`/`false`.

## Stages

MLflow's four stages map onto the lifecycle (`mlflow_stage`): draft, registered and
validated are `None`; staging is `Staging`; production is `Production`; deprecated,
archived and retired are `Archived`. A transition walks the lifecycle's forward path one
legal step at a time (`Production` from registered: validated, staging, production), each
step through `model_version_transition` with its permissions and promotion gates, all in
one transaction: a refused step leaves the version where it was. `Archived` from
production deprecates (a production version only moves forward); `None` from staging
demotes to validated.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.services.records import Actor
from inventory.choices import ModelStage
from inventory.models import MLModel, ModelAlias, ModelVersion, Team
from inventory.services import branches, catalogue, versions
from inventory.validators import RESERVED_LABEL_PREFIX

__all__ = [
    "MLFLOW_STAGES",
    "MODEL_TAG_FIELDS",
    "VERSION_TAG_FIELDS",
    "mlflow_alias_delete",
    "mlflow_alias_set",
    "mlflow_model_create",
    "mlflow_model_rename",
    "mlflow_model_tag_delete",
    "mlflow_model_tag_set",
    "mlflow_stage",
    "mlflow_stage_transition",
    "mlflow_version_create",
    "mlflow_version_tag_delete",
    "mlflow_version_tag_set",
]

TAG_PREFIX = RESERVED_LABEL_PREFIX
REASON_TAG = f"{TAG_PREFIX}change_reason"

# Custodia's fields a `custodia.<field>` tag writes, by model.
MODEL_TAG_FIELDS = (
    "purpose", "owner", "steward", "team", "domain", "tags", "confidential", "purpose_category",
    "risk_tier", "compliance_tags", "origin", "supplier", "source_url", "licence",
    "permitted_uses", "redistribution", "redistribution_terms", "attribution",
    "development_cost", "training_date", "input_schema", "output_schema", "evaluation_metrics",
    "training_environment", "inference_requirements", "versioning_strategy",
)
VERSION_TAG_FIELDS = (
    "stage", "branch", "artifact_sha256", "artifact_size", "training_date", "input_schema",
    "output_schema", "evaluation_metrics", "training_environment", "inference_requirements",
    "code_repository", "code_commit", "code_commit_signed", "environment_uri",
    "environment_digest", "environment_size", "datasets",
)

MLFLOW_STAGES = ("None", "Staging", "Production", "Archived")
_TO_MLFLOW = {
    ModelStage.DRAFT: "None", ModelStage.REGISTERED: "None", ModelStage.VALIDATED: "None",
    ModelStage.STAGING: "Staging", ModelStage.PRODUCTION: "Production",
    ModelStage.DEPRECATED: "Archived", ModelStage.ARCHIVED: "Archived",
    ModelStage.RETIRED: "Archived",
}
_FORWARD = (ModelStage.DRAFT, ModelStage.REGISTERED, ModelStage.VALIDATED, ModelStage.STAGING,
            ModelStage.PRODUCTION)


def mlflow_stage(stage: str) -> str:
    """The MLflow stage a lifecycle stage shows as."""
    return _TO_MLFLOW.get(stage, "None")


def _reason(default: str, tags: dict[str, str] | None = None) -> str:
    given = (tags or {}).get(REASON_TAG, "")
    return given.strip() or f"{default} (MLflow registry API)"


# --------------------------------------------------------------------------------------
# Tag values → field values
# --------------------------------------------------------------------------------------
def _truth(value: str) -> bool:
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValidationError("Give true or false.")


def _user(value: str):
    if not value.strip():
        return None
    user = get_user_model().objects.filter(username=value.strip()).first()
    if user is None:
        raise ValidationError(f"There is no user “{value.strip()}”.")
    return user


def _team(value: str):
    if not value.strip():
        return None
    team = Team.objects.filter(models.Q(slug=value.strip()) | models.Q(name=value.strip())).first()
    if team is None:
        raise ValidationError(f"There is no team “{value.strip()}” (give its slug).")
    return team


def _json(value: str):
    if not value.strip():
        return None
    try:
        return json.loads(value)
    except ValueError:
        raise ValidationError("Give a JSON value.") from None


def _names(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _convert(model_class: type[models.Model], name: str, value: str | None) -> Any:
    """The field value a tag's text stands for; None as value: the field emptied."""
    if name == "datasets":
        return [] if value is None else (_json(value) or [])
    if name == "branch":  # by name; the versions service resolves it
        return (value or "").strip() or None
    field = model_class._meta.get_field(name)
    if field.many_to_many:
        return [] if value is None else _names(value)
    if value is None:
        if field.has_default() and not field.null:
            return field.get_default()
        return None if field.null else ""
    if field.is_relation:
        return _team(value) if field.related_model is Team else _user(value)
    if isinstance(field, models.BooleanField):
        return _truth(value) if value.strip() else None
    if isinstance(field, models.JSONField):
        parsed = _json(value)
        return field.get_default() if parsed is None and not field.null else parsed
    if not value.strip() and field.null:
        return None
    return value


def split_tags(tags: dict[str, str], *, model_class: type[models.Model],
               fields: tuple[str, ...]) -> tuple[dict[str, str], dict[str, Any]]:
    """MLflow tags → (labels, Custodia field values).

    Raises:
        ValidationError: a `custodia.` key that names no field, or a value that cannot be
            read, keyed by the tag's key.
    """
    labels, values, problems = {}, {}, {}
    for key, value in tags.items():
        if not key.lower().startswith(TAG_PREFIX):
            labels[key] = "" if value is None else str(value)
            continue
        if key == REASON_TAG:
            continue
        name = key[len(TAG_PREFIX):]
        if name not in fields:
            problems[key] = [f"“{key}” names no Custodia field that a tag may set; use one of: "
                             + ", ".join(f"{TAG_PREFIX}{f}" for f in fields) + "."]
            continue
        try:
            values[name] = _convert(model_class, name, str(value))
        except ValidationError as error:
            problems[key] = error.messages
    if problems:
        raise ValidationError(problems)
    return labels, values


def _field_tag(key: str, fields: tuple[str, ...]) -> str | None:
    """The field a `custodia.` key names (None for a label); refuses unknown fields."""
    if not key.lower().startswith(TAG_PREFIX):
        return None
    name = key[len(TAG_PREFIX):]
    if name not in fields:
        raise ValidationError({key: [f"“{key}” names no Custodia field that a tag may set."]})
    return name


# --------------------------------------------------------------------------------------
# Registered models
# --------------------------------------------------------------------------------------
def mlflow_model_create(*, actor: Actor, name: str, description: str,
                        tags: dict[str, str]) -> MLModel:
    """Register a model from an MLflow `registered-models/create` request.

    Raises:
        ValidationError: the registration rules' problems (metadata standard, naming...).
    """
    labels, values = split_tags(tags, model_class=MLModel, fields=MODEL_TAG_FIELDS)
    data = {**values, "name": name, "description": description or "", "labels": labels}
    return catalogue.mlmodel_create(actor=actor, data=data,
                                    reason=_reason("Registered", tags))


def mlflow_model_rename(*, model: MLModel, new_name: str, actor: Actor) -> MLModel:
    """Rename a model (the naming convention applies to the new name)."""
    return catalogue.mlmodel_update(model=model, actor=actor, data={"name": new_name},
                                    reason=_reason(f"Renamed from “{model.name}”"))


def _tag_change_data(record: MLModel | ModelVersion, fields: tuple[str, ...], key: str,
                     value: str | None) -> dict[str, Any]:
    """What setting (or, with `value` None, removing) tag `key` changes on `record`: its
    labels, or the Custodia field a `custodia.` key names."""
    name = _field_tag(key, fields)
    if name is None:
        labels = dict(record.labels or {})
        if value is None:
            labels.pop(key, None)
        else:
            labels[key] = value
        return {"labels": labels}
    try:
        return {name: _convert(type(record), name, value)}
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from None


def _model_change(model: MLModel, key: str, value: str | None, actor: Actor,
                  reason: str) -> MLModel:
    with transaction.atomic():
        locked = MLModel.objects.select_for_update().get(pk=model.pk)
        data = _tag_change_data(locked, MODEL_TAG_FIELDS, key, value)
        return catalogue.mlmodel_update(model=locked, actor=actor, reason=reason, data=data)


def mlflow_model_tag_set(*, model: MLModel, key: str, value: str, actor: Actor) -> MLModel:
    """Set one tag of a model: a label, or the Custodia field a `custodia.` key names."""
    return _model_change(model, key, value or "", actor, _reason(f"Tag “{key}” set"))


def mlflow_model_tag_delete(*, model: MLModel, key: str, actor: Actor) -> MLModel:
    """Remove a label, or empty the Custodia field a `custodia.` key names.

    Raises:
        ValidationError: the model has no such label.
    """
    if _field_tag(key, MODEL_TAG_FIELDS) is None and key not in (model.labels or {}):
        raise ValidationError({"key": [f"“{model.name}” has no tag “{key}”."]})
    return _model_change(model, key, None, actor, _reason(f"Tag “{key}” removed"))


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------
def mlflow_version_create(*, model: MLModel, actor: Actor, source: str, run_id: str,
                          run_link: str, description: str,
                          tags: dict[str, str]) -> ModelVersion:
    """Register the next version of `model` from a `model-versions/create` request.

    Raises:
        ValidationError: the registration rules' problems (metadata standard, what the
            versioning strategy asks a version to pin...).
    """
    labels, values = split_tags(tags, model_class=ModelVersion, fields=VERSION_TAG_FIELDS)
    data = {**values, "artifact_uri": source or "", "run_id": run_id or "",
            "run_link": run_link or "", "description": description or "", "labels": labels}
    return versions.model_version_register(model=model, actor=actor, data=data,
                                           reason=_reason("Version registered", tags))


def _version_change(version: ModelVersion, key: str, value: str | None, actor: Actor,
                    reason: str) -> ModelVersion:
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        data = _tag_change_data(locked, VERSION_TAG_FIELDS, key, value)
        return versions.model_version_update(version=locked, actor=actor, reason=reason,
                                             data=data)


def mlflow_version_tag_set(*, version: ModelVersion, key: str, value: str,
                           actor: Actor) -> ModelVersion:
    """Set one tag of a version (refused, like any change, once it reached production)."""
    return _version_change(version, key, value or "", actor, _reason(f"Tag “{key}” set"))


def mlflow_version_tag_delete(*, version: ModelVersion, key: str,
                              actor: Actor) -> ModelVersion:
    """Remove a label of a version, or empty the Custodia field a `custodia.` key names.

    Raises:
        ValidationError: the version has no such label.
    """
    if _field_tag(key, VERSION_TAG_FIELDS) is None and key not in (version.labels or {}):
        raise ValidationError({"key": [f"{version} has no tag “{key}”."]})
    return _version_change(version, key, None, actor, _reason(f"Tag “{key}” removed"))


# --------------------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------------------
def mlflow_alias_set(*, model: MLModel, alias: str, version: ModelVersion,
                     actor: Actor) -> ModelAlias:
    """Point an alias at a version (the alias service logs the move); pointing it where it
    already points changes nothing, as in MLflow."""
    current = ModelAlias.objects.filter(model=model, name=alias).first()
    if current is not None and current.version_id == version.pk:
        return current
    return branches.model_alias_set(model=model, name=alias, version=version, actor=actor,
                                    reason=_reason(f"Alias “{alias}” set to v{version.version}"))


def mlflow_alias_delete(*, alias: ModelAlias, actor: Actor) -> None:
    """Remove an alias (the move log records the removal)."""
    branches.model_alias_delete(alias=alias, actor=actor,
                                reason=_reason(f"Alias “{alias.name}” removed"))


# --------------------------------------------------------------------------------------
# Stages
# --------------------------------------------------------------------------------------
def _canonical(stage: str) -> str:
    for name in MLFLOW_STAGES:
        if (stage or "").strip().lower() == name.lower():
            return name
    raise ValidationError({"stage": [f"“{stage}” is not an MLflow stage; use one of: "
                                     + ", ".join(MLFLOW_STAGES) + "."]})


def _steps(current: str, target: str) -> list[str]:
    """The lifecycle stages a version at `current` passes through to show as `target`."""
    if target in ("Staging", "Production"):
        goal = ModelStage.STAGING if target == "Staging" else ModelStage.PRODUCTION
        if current in _FORWARD and _FORWARD.index(current) < _FORWARD.index(goal):
            return list(_FORWARD[_FORWARD.index(current) + 1:_FORWARD.index(goal) + 1])
        return [goal]  # the state machine explains why not
    if target == "Archived":
        return [ModelStage.DEPRECATED if current == ModelStage.PRODUCTION
                else ModelStage.ARCHIVED]
    if current == ModelStage.STAGING:
        return [ModelStage.VALIDATED]
    return [ModelStage.REGISTERED]


def mlflow_stage_transition(*, version: ModelVersion, stage: str, archive_existing: bool,
                            actor: Actor) -> ModelVersion:
    """Move `version` to the lifecycle stage that shows as MLflow `stage`.

    With `archive_existing`, the model's other versions in the target stage move on
    (production ones are deprecated, staging ones archived), through the same service.

    Raises:
        ValidationError: an unknown stage, an illegal move, a missing permission or a
            promotion gate's refusal; nothing moves.
    """
    target = _canonical(stage)
    if mlflow_stage(version.stage) == target:
        raise ValidationError({"stage": [f"{version} is already in {target} "
                                         f"({version.get_stage_display().lower()})."]})
    reason = _reason(f"Stage set to {target}")
    with transaction.atomic():
        for step in _steps(version.stage, target):
            version = versions.model_version_transition(version=version, to_stage=step,
                                                        actor=actor, reason=reason)
        if archive_existing and target in ("Staging", "Production"):
            others = ModelVersion.objects.filter(model_id=version.model_id,
                                                 stage=version.stage).exclude(pk=version.pk)
            for other in others.select_related("model"):
                versions.model_version_transition(
                    version=other, to_stage=_steps(other.stage, "Archived")[0], actor=actor,
                    reason=f"{reason}: v{version.version} replaces it")
    return version
