"""Inventory records in the MLflow registry's JSON shapes (`RegisteredModel`, `ModelVersion`
of MLflow's model registry protocol): what the MLflow client reads back.

Tags are the record's labels plus its Custodia fields as `custodia.<field>` (only those
with a value), so a client sees the lifecycle stage, owner, team and risk tier Custodia
keeps. Records come in the shapes of `inventory.selectors.mlflow` (nothing here queries).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from inventory.models import MLModel, ModelVersion
from inventory.services.mlflow import (
    MODEL_TAG_FIELDS,
    TAG_PREFIX,
    VERSION_TAG_FIELDS,
    mlflow_stage,
)

__all__ = ["latest_versions", "model_version_json", "registered_model_json", "timestamp_ms"]

# Fields shown as tags although no tag sets them.
_MODEL_SHOWN = ("stage", "classification")


def timestamp_ms(moment: datetime | None) -> int | None:
    """MLflow's timestamps: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000) if moment else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, date | Decimal | int | float):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, models.Model):
        return getattr(value, "slug", None) or value.get_username()
    return str(value)


def _field_tags(instance: models.Model, names: tuple[str, ...]) -> dict[str, str]:
    tags = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            value = ",".join(sorted(item.name for item in getattr(instance, name).all()))
        else:
            value = getattr(instance, name)
        if value in (None, "", [], {}):
            continue
        tags[f"{TAG_PREFIX}{name}"] = _text(value)
    return tags


def _tag_list(labels: dict[str, str], fields: dict[str, str]) -> list[dict[str, str]]:
    merged = {**(labels or {}), **fields}
    return [{"key": key, "value": merged[key]} for key in sorted(merged)]


def model_version_json(version: ModelVersion) -> dict[str, Any]:
    """A version as MLflow's `ModelVersion` message."""
    names = tuple(n for n in VERSION_TAG_FIELDS if n not in ("branch", "datasets"))
    fields = _field_tags(version, names)
    if version.branch_id:
        fields[f"{TAG_PREFIX}branch"] = version.branch.name
    links = [{"dataset_version": link.dataset_version_id, "role": link.role}
             for link in version.dataset_links.all()]
    if links:
        fields[f"{TAG_PREFIX}datasets"] = json.dumps(links)
    return {
        "name": version.model.name,
        "version": str(version.version),
        "creation_timestamp": timestamp_ms(version.created_at),
        "last_updated_timestamp": timestamp_ms(version.updated_at),
        "user_id": version.created_by.get_username() if version.created_by_id else "",
        "current_stage": mlflow_stage(version.stage),
        "description": version.description,
        "source": version.artifact_uri,
        "run_id": version.run_id,
        "run_link": version.run_link,
        # Registration is synchronous: a version the client reads is ready (a missing
        # status would make the client poll for minutes).
        "status": "READY",
        "tags": _tag_list(version.labels, fields),
        "aliases": sorted(alias.name for alias in version.aliases.all()),
    }


def _latest_per_stage(versions: list[ModelVersion]) -> list[ModelVersion]:
    latest: dict[str, ModelVersion] = {}
    for version in versions:
        stage = mlflow_stage(version.stage)
        if stage not in latest or version.version > latest[stage].version:
            latest[stage] = version
    return sorted(latest.values(), key=lambda v: v.version)


def latest_versions(model: MLModel, stages: list[str] | None = None) -> list[ModelVersion]:
    """The newest version in each MLflow stage (only `stages`, when given), among the
    versions the reader may see (`inventory.selectors.mlflow.visible_models`)."""
    found = _latest_per_stage(model.door_versions)  # prefetched by `visible_models`
    wanted = {s.lower() for s in stages or ()}
    return [v for v in found if not wanted or mlflow_stage(v.stage).lower() in wanted]


def registered_model_json(model: MLModel) -> dict[str, Any]:
    """A model as MLflow's `RegisteredModel` message, with its latest versions per stage."""
    fields = _field_tags(model, (*MODEL_TAG_FIELDS, *_MODEL_SHOWN))
    fields[f"{TAG_PREFIX}risk_tier"] = model.risk_tier
    return {
        "name": model.name,
        "creation_timestamp": timestamp_ms(model.created_at),
        "last_updated_timestamp": timestamp_ms(model.updated_at),
        "user_id": model.owner.get_username() if model.owner_id else "",
        "description": model.description,
        "latest_versions": [model_version_json(v) for v in latest_versions(model)],
        "tags": _tag_list(model.labels, fields),
        "aliases": [{"alias": alias.name, "version": str(alias.version.version)}
                    for alias in model.aliases.all()],
    }
