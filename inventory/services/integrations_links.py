"""Exchange sections keyed by natural keys of other records: branches, dataset links and
deployments (part of the `custodia.inventory/v1` exchange in `inventory.services.integrations`).

Keys:

- `branches`: model name + branch name; the parent version is its number in that model.
- `dataset_links`: model name + version number, dataset name + dataset version number, role.
- `deployments`: model name + version number, environment, region, segment.

Rows are written through the same services as every other door (`model_branch_create` /
`model_branch_update`, `model_version_datasets_link`, `deployment_report`). An import adds
and updates; it never deletes. A dataset link records the dataset version's checksum when
it is made, so a link's `checksum_at_link` cannot change, and a new link's checksum (when
given) must be the dataset version's SHA-256 now. A frozen (production) version's links
cannot change: adding one is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from core.permissions import user_can
from inventory.choices import DatasetRole, DeploymentEnvironment, DeploymentStatus
from inventory.models import (
    FROZEN_STAGES,
    DatasetVersion,
    Deployment,
    MLModel,
    ModelBranch,
    ModelVersion,
    ModelVersionDataset,
)

__all__ = ["LINKED_SECTIONS", "LinkedSection", "RowResult"]

RowResult = tuple[str, Any, list[str]]  # ("created" | "updated" | "unchanged", record, fields)


@dataclass(frozen=True)
class LinkedSection:
    """A section whose rows name other records: columns, its export and one row's import."""

    columns: list[str]
    read_only: frozenset[str]
    export: Callable[[Any], list[dict[str, Any]]]
    import_row: Callable[..., RowResult]
    name_of: Callable[[dict], str]


# --------------------------------------------------------------------------------------
# Shared: values and lookups
# --------------------------------------------------------------------------------------
def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValidationError({column: ["Expected text."]})
    return str(value).strip()


def _number(row: dict, column: str, *, required: bool) -> int | None:
    value = row.get(column)
    if value in (None, ""):
        if required:
            raise ValidationError({column: ["Required: a whole number."]})
        return None
    if isinstance(value, bool):
        raise ValidationError({column: ["Expected a whole number."]})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({column: ["Expected a whole number."]}) from None
    if number < 1:
        raise ValidationError({column: ["Expected a whole number from 1."]})
    return number


def _model(row: dict, actor) -> MLModel:
    name = _text(row, "model")
    if not name:
        raise ValidationError({"model": ["Every row names its model."]})
    models = MLModel.objects.filter(name__iexact=name)
    if actor is not None:
        models = models.restrict(actor, "view")
    model = models.first()
    if model is None:
        raise ValidationError({"model": [f"No model “{name}” that you may see."]})
    return model


def _model_version(row: dict, actor) -> ModelVersion:
    model = _model(row, actor)
    number = _number(row, "version", required=True)
    version = ModelVersion.objects.filter(model=model, version=number).select_related(
        "model").first()
    if version is None:
        raise ValidationError({"version": [f"“{model.name}” has no version {number}."]})
    return version


def _choice(row: dict, column: str, choices, *, default: str = "") -> str:
    value = _text(row, column) or default
    if value not in choices.values:
        raise ValidationError({column: [f"Choose from {', '.join(choices.values)}."]})
    return value


def _refuse(actor, allowed: bool, message: str) -> None:
    if actor is not None and not allowed:
        raise ValidationError({"row": [message]})


# --------------------------------------------------------------------------------------
# Branches
# --------------------------------------------------------------------------------------
BRANCH_COLUMNS = ["model", "name", "kind", "parent_version", "drift_scenario", "description"]


def _branches_export(user) -> list[dict[str, Any]]:
    branches = (ModelBranch.objects.restrict(user, "view").for_list()
                .order_by("model__name", "name"))
    return [{"model": b.model.name, "name": b.name, "kind": b.kind,
             "parent_version": b.parent_version.version if b.parent_version else None,
             "drift_scenario": b.drift_scenario, "description": b.description}
            for b in branches]


def _branch_import(*, row: dict, actor, reason: str) -> RowResult:
    from inventory.services.branches import model_branch_create, model_branch_update

    model = _model(row, actor)
    name = _text(row, "name")
    if not name:
        raise ValidationError({"name": ["Every branch row has its name."]})
    number = _number(row, "parent_version", required=False)
    parent = None
    if number is not None:
        parent = ModelVersion.objects.filter(model=model, version=number).first()
        if parent is None:
            raise ValidationError({"parent_version": [
                f"“{model.name}” has no version {number}."]})
    data = {k: _text(row, k) for k in ("drift_scenario", "description") if k in row}
    existing = ModelBranch.objects.filter(model=model, name=name).select_related(
        "parent_version").first()
    if existing is None:
        _refuse(actor, user_can(actor, "add", model=ModelBranch) and user_can(
            actor, "change", model), f"You may not add branches to “{model.name}”.")
        branch = model_branch_create(model=model, actor=actor, reason=reason,
                                     data={"name": name, "parent_version": parent, **data})
        return "created", branch, []
    if existing.parent_version_id != getattr(parent, "pk", None):
        raise ValidationError({"parent_version": [
            "A branch's parent version never changes; create a new branch instead."]})
    changed = sorted(k for k, v in data.items() if getattr(existing, k) != v)
    if not changed:
        return "unchanged", existing, []
    _refuse(actor, user_can(actor, "change", existing), f"You may not change “{existing}”.")
    branch = model_branch_update(branch=existing, actor=actor, reason=reason,
                                 data={k: data[k] for k in changed})
    return "updated", branch, changed


# --------------------------------------------------------------------------------------
# Dataset links (model version ↔ dataset version, with role and checksum)
# --------------------------------------------------------------------------------------
LINK_COLUMNS = ["model", "version", "dataset", "dataset_version", "role", "checksum_at_link"]


def _visible_links(user) -> QuerySet:
    """Links of versions the user may see (as on the version's page), to dataset versions
    the user may see (a link must not name a dataset the user may not see)."""
    return (ModelVersionDataset.objects
            .filter(model_version__in=ModelVersion.objects.restrict(user, "view").values("pk"),
                    dataset_version__in=DatasetVersion.objects.restrict(user, "view").values("pk"))
            .select_related("model_version__model", "dataset_version__dataset")
            .order_by("model_version__model__name", "model_version__version",
                      "dataset_version__dataset__name", "dataset_version__version", "role"))


def _links_export(user) -> list[dict[str, Any]]:
    return [{"model": link.model_version.model.name, "version": link.model_version.version,
             "dataset": link.dataset_version.dataset.name,
             "dataset_version": link.dataset_version.version, "role": link.role,
             "checksum_at_link": link.checksum_at_link}
            for link in _visible_links(user)]


def _dataset_version(row: dict, actor) -> DatasetVersion:
    name = _text(row, "dataset")
    if not name:
        raise ValidationError({"dataset": ["Every link row names its dataset."]})
    number = _number(row, "dataset_version", required=True)
    versions = DatasetVersion.objects.filter(dataset__name__iexact=name, version=number)
    if actor is not None:
        versions = versions.restrict(actor, "view")
    found = versions.select_related("dataset").first()
    if found is None:
        raise ValidationError({"dataset_version": [
            f"No version {number} of a dataset “{name}” that you may see."]})
    return found


def _link_import(*, row: dict, actor, reason: str) -> RowResult:
    from inventory.services.versions import model_version_datasets_link

    version = _model_version(row, actor)
    dataset_version = _dataset_version(row, actor)
    role = _choice(row, "role", DatasetRole)
    checksum = _text(row, "checksum_at_link").lower()
    current = list(version.dataset_links.all())
    existing = next((link for link in current if link.dataset_version_id == dataset_version.pk
                     and link.role == role), None)
    if existing is not None:
        if checksum and checksum != existing.checksum_at_link:
            raise ValidationError({"checksum_at_link": [
                "A link keeps the checksum recorded when it was made; it cannot change."]})
        return "unchanged", existing, []
    if version.stage in FROZEN_STAGES:
        raise ValidationError({"version": [
            f"{version} has reached production and is frozen: its dataset links cannot "
            "change. Register a new version."]})
    if checksum and checksum != dataset_version.sha256:
        raise ValidationError({"checksum_at_link": [
            f"{dataset_version} now has SHA-256 “{dataset_version.sha256 or 'none'}”; a new "
            "link records the dataset version's checksum as it is now."]})
    _refuse(actor, user_can(actor, "change", version), f"You may not change “{version}”.")
    links = [{"dataset_version": link.dataset_version_id, "role": link.role} for link in current]
    made = model_version_datasets_link(
        version=version, actor=actor, reason=reason,
        links=[*links, {"dataset_version": dataset_version.pk, "role": role}])
    return "created", next(link for link in made if link.dataset_version_id
                           == dataset_version.pk and link.role == role), []


# --------------------------------------------------------------------------------------
# Deployments
# --------------------------------------------------------------------------------------
DEPLOYMENT_COLUMNS = ["model", "version", "environment", "region", "segment", "endpoint",
                      "status", "deployed_at"]


def _deployments_export(user) -> list[dict[str, Any]]:
    deployments = (Deployment.objects.restrict(user, "view").for_list()
                   .order_by("model_version__model__name", "model_version__version",
                             "environment", "region", "segment"))
    return [{"model": d.model_version.model.name, "version": d.model_version.version,
             "environment": d.environment, "region": d.region, "segment": d.segment,
             "endpoint": d.endpoint, "status": d.status,
             "deployed_at": d.deployed_at.isoformat() if d.deployed_at else None}
            for d in deployments]


def _when(row: dict):
    value = row.get("deployed_at")
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError({"deployed_at": [
            "Expected a date and time as ISO 8601, e.g. 2026-11-02T09:30:00+00:00."]})
    return parsed


def _deployment_import(*, row: dict, actor, reason: str) -> RowResult:
    from inventory.services.deployments import deployment_report

    version = _model_version(row, actor)
    place = {"environment": _choice(row, "environment", DeploymentEnvironment),
             "region": _text(row, "region"), "segment": _text(row, "segment")}
    reported: dict[str, Any] = {}
    if "endpoint" in row:
        reported["endpoint"] = _text(row, "endpoint")
    if "status" in row:
        reported["status"] = _choice(row, "status", DeploymentStatus,
                                     default=DeploymentStatus.ACTIVE)
    if "deployed_at" in row:
        reported["deployed_at"] = _when(row)
    existing = Deployment.objects.filter(model_version=version, **place).first()
    changed = sorted(k for k, v in reported.items()
                     if existing is None or getattr(existing, k) != v)
    if existing is not None and not changed:
        return "unchanged", existing, []
    _refuse(actor, user_can(actor, "add", model=Deployment),
            "You may not report deployments.")
    deployment, created = deployment_report(version=version, actor=actor, reason=reason,
                                            data={**place, **reported})
    return ("created", deployment, []) if created else ("updated", deployment, changed)


LINKED_SECTIONS: dict[str, LinkedSection] = {
    "branches": LinkedSection(
        BRANCH_COLUMNS, frozenset({"kind"}), _branches_export, _branch_import,
        lambda row: f"{row.get('model', '')}@{row.get('name', '')}"),
    "dataset_links": LinkedSection(
        LINK_COLUMNS, frozenset(), _links_export, _link_import,
        lambda row: (f"{row.get('model', '')} v{row.get('version', '')} "
                     f"{row.get('role', '')} {row.get('dataset', '')} "
                     f"v{row.get('dataset_version', '')}")),
    "deployments": LinkedSection(
        DEPLOYMENT_COLUMNS, frozenset(), _deployments_export, _deployment_import,
        lambda row: (f"{row.get('model', '')} v{row.get('version', '')} @ "
                     f"{row.get('environment', '')}/{row.get('region', '')}/"
                     f"{row.get('segment', '')}")),
}
