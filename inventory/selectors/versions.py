"""Reads around model versions: the point-in-time question ("which versions and aliases did
this model have at that moment?"), each version's components and storage, and the
version timeline of a model's detail page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from inventory.choices import ModelStage, VersioningStrategy
from inventory.models import FROZEN_STAGES, AliasMove, MLModel, ModelBranch, ModelVersion, ModelVersionDataset
from inventory.services import versions

__all__ = [
    "LIVE_STAGES",
    "AliasAt",
    "Component",
    "PointInTime",
    "VersionAt",
    "lifecycle_board",
    "mlmodel_as_of",
    "mlmodel_storage",
    "model_version_components",
    "version_timeline",
]


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


# Custodia does not verify commit signatures: the flag is what the registering client said.
SIGNATURE_WORDING = {True: "reported as signed by the client",
                     False: "reported as unsigned by the client",
                     None: "signature not reported"}


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
        signed = SIGNATURE_WORDING[version.code_commit_signed]
        parts.append(Component(kind="code", label="Code",
                               reference=version.code_repository or "—",
                               checksum=version.code_commit,
                               size=None, note=in_bundle or f"in Git; {signed}"))
    if version.environment_uri or version.training_environment or version.environment_digest:
        parts.append(Component(kind="environment", label="Environment",
                               reference=version.environment_uri or version.training_environment,
                               checksum=version.environment_digest,
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


# --------------------------------------------------------------------------------------
# The model page's version timeline
# --------------------------------------------------------------------------------------
def version_timeline(model: MLModel, user) -> dict[str, Any]:
    """Versions (newest first) with their branch, aliases, dataset links and components,
    the model's branches and storage: a fixed number of queries whatever the number of
    versions. A dataset `user` may not see (another team's confidential one) is not named."""
    from dataclasses import replace

    from inventory.models import Dataset

    rows = list(model.versions.select_related("created_by", "branch", "model")
                .prefetch_related("aliases", "dataset_links__dataset_version__dataset")
                .order_by("-version"))
    dataset_ids = {link.dataset_version.dataset_id for row in rows
                   for link in row.dataset_links.all()}
    visible = set(Dataset.objects.restrict(user, "view").filter(pk__in=dataset_ids)
                  .values_list("pk", flat=True)) if dataset_ids else set()
    for row in rows:
        links = list(row.dataset_links.all())
        parts = model_version_components(row, links=links)
        hidden = {f"{link.dataset_version}" for link in links
                  if link.dataset_version.dataset_id not in visible}
        row.components = [replace(part, reference="a dataset version you may not see")
                          if part.kind == "data" and part.reference in hidden else part
                          for part in parts]
        row.frozen = row.stage in FROZEN_STAGES
        row.missing_pins = versions.pin_problems(
            strategy=model.versioning_strategy,
            fields={name: getattr(row, name) for name in versions.PINNED_FIELDS},
            dataset_versions=[link.dataset_version for link in links])
        row.next_stages = versions.allowed_transitions(row.stage)
    branches = list(ModelBranch.objects.filter(model=model)
                    .select_related("parent_version")
                    .annotate(version_count=Count("versions"))
                    .order_by("name"))
    return {"versions": rows, "branches": branches, "storage": mlmodel_storage(model),
            "alias_count": sum(len(r.aliases.all()) for r in rows)}


# Stages in which a version serves or is about to: re-validation and deprecation dates matter.
LIVE_STAGES = (ModelStage.STAGING, ModelStage.PRODUCTION)


def lifecycle_board(user, *, horizon_days: int) -> dict[str, Any]:
    """What is in which stage, and which live versions are due for re-validation or
    deprecation within `horizon_days` (counts plus the nearest ten of each), as `user` sees."""
    visible = ModelVersion.objects.restrict(user, "view")
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=horizon_days)
    counts = dict(visible.order_by().values_list("stage").annotate(n=Count("pk")))
    revalidation = visible.filter(
        stage__in=LIVE_STAGES, deprecation_schedule__validation_expires_on__lte=horizon)
    deprecation = visible.filter(
        stage__in=LIVE_STAGES, deprecation_schedule__deprecate_on__lte=horizon)
    return {
        "today": today,
        "horizon": horizon,
        "stages": [{"value": stage, "label": ModelStage(stage).label,
                    "count": counts.get(stage, 0), "frozen": stage in FROZEN_STAGES}
                   for stage in ModelStage.values],
        "total": sum(counts.values()),
        "revalidation_count": revalidation.count(),
        "revalidation_rows": list(
            revalidation.select_related("model", "deprecation_schedule")
            .order_by("deprecation_schedule__validation_expires_on", "pk")[:10]),
        "deprecation_count": deprecation.count(),
        "deprecation_rows": list(
            deprecation.select_related("model", "deprecation_schedule")
            .order_by("deprecation_schedule__deprecate_on", "pk")[:10]),
    }
