"""Retention policies, legal holds and the scheduled purge of artifacts.

What may be purged: only artifact *files* held by Custodia, i.e. whose URI is
`custodia://<name>`, `<name>` being a path in the `held` storage (`core.storage`: rooted at
`settings.CUSTODIA_ARTIFACT_ROOT`, or object storage through django-storages). Artifacts
held elsewhere (`s3://...`) are the owner's to delete. Versions, their history, audit
records and job runs are never touched: a `PurgeRecord` is added instead, so the
inventory still says what existed, its checksum, and when and why its bytes went.

When: an artifact is past retention when at least one active policy applies to it and
every applicable policy's period has run out (the longest wins: regulations set
minimums). A policy applies to a model version of its asset type that reached the
policy's stage (or a later one), on a model carrying the policy's regulation tag (or any
model when the policy has none); its clock starts when the version first reached that
stage (from the version's history). For dataset versions the clock starts at
registration. No applicable policy means the artifact is kept.

Never while held: an active legal hold on the version, its model, the dataset version or
its dataset blocks the purge.

Never under a live model: a dataset version that a model version not yet retired was
trained, validated or tested on is kept (the model's evidence and reproducibility depend
on it); the report says which versions kept it.

Safe to run twice and on two workers: the purge record is unique per file and written
in the same transaction as the deletion, so the second run finds nothing to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from core.audit import describe_actor
from core.exceptions import ConflictError
from core.models import JobRun
from core.services.records import record_create, record_delete, record_update
from core.storage import HELD_SCHEME, held_storage, held_storage_name
from inventory.choices import ModelStage, RetainedAssetType
from inventory.models import (
    Dataset,
    DatasetVersion,
    LegalHold,
    MLModel,
    ModelVersion,
    ModelVersionDataset,
    PurgeRecord,
    RetentionPolicy,
)

__all__ = [
    "PurgeCandidate",
    "legal_hold_delete",
    "legal_hold_place",
    "legal_hold_refuse",
    "legal_hold_release",
    "legal_hold_update",
    "legal_holds_covering",
    "retention_candidates",
    "retention_policy_create",
    "retention_policy_delete",
    "retention_policy_update",
    "retention_purge",
]

Actor = AbstractBaseUser | None
# Post-production order: a policy on "deprecated" also covers archived and retired versions.
_LATER_STAGES = {
    ModelStage.DEPRECATED: (ModelStage.DEPRECATED, ModelStage.ARCHIVED, ModelStage.RETIRED),
    ModelStage.ARCHIVED: (ModelStage.ARCHIVED, ModelStage.RETIRED),
    ModelStage.RETIRED: (ModelStage.RETIRED,),
}


# --------------------------------------------------------------------------------------
# Policies and holds (writes of the admin and the API)
# --------------------------------------------------------------------------------------
def retention_policy_create(*, actor: Actor, reason: str, data: dict[str, Any]) -> RetentionPolicy:
    """Add a retention policy.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    return record_create(model_class=RetentionPolicy, actor=actor, reason=reason, data=data)


def retention_policy_update(*, policy: RetentionPolicy, actor: Actor, reason: str,
                            data: dict[str, Any]) -> RetentionPolicy:
    """Change a policy (history keeps the previous terms: auditors ask what applied when)."""
    return record_update(instance=policy, actor=actor, reason=reason, data=data)


def retention_policy_delete(*, policy: RetentionPolicy, actor: Actor, reason: str) -> None:
    """Delete a policy that never purged anything (otherwise deactivate it).

    Raises:
        ValidationError: the policy is named by purge records.
    """
    if policy.purge_records.exists():
        raise ValidationError(f"“{policy}” purged artifacts and is evidence of why; "
                              "deactivate it instead.")
    record_delete(instance=policy, actor=actor, reason=reason)


def legal_hold_place(*, actor: Actor, reason: str, data: dict[str, Any]) -> LegalHold:
    """Place a legal hold on a model, model version, dataset or dataset version.

    Raises:
        ValidationError: not exactly one target, or a missing reference/reason.
    """
    return record_create(
        model_class=LegalHold, actor=actor, reason=reason,
        data={k: v for k, v in data.items() if k not in {"released_at", "release_reason"}},
        placed_by=actor if getattr(actor, "is_authenticated", False) else None)


def legal_hold_update(*, hold: LegalHold, actor: Actor, reason: str,
                      data: dict[str, Any]) -> LegalHold:
    """Change a hold's reference or reason; its target and release go through their own
    paths (a hold is never silently moved to something else)."""
    problems = {name: ["A hold's target cannot change; release it and place a new one."]
                for name in LegalHold.TARGETS if name in data
                and getattr(data[name], "pk", data[name]) != getattr(hold, f"{name}_id")}
    problems.update({name: ["Release a hold with the release action."]
                     for name in ("released_at",) if name in data})
    if problems:
        raise ValidationError(problems)
    return record_update(instance=hold, actor=actor, reason=reason,
                         data={k: v for k, v in data.items() if k in {"reference", "reason"}})


def legal_hold_release(*, hold: LegalHold, actor: Actor, reason: str) -> LegalHold:
    """Release a hold: what it covered may be purged again once past retention.

    Raises:
        ValidationError: already released, or no reason given.
    """
    if not (reason or "").strip():
        raise ValidationError({"release_reason": ["Say why the hold is released."]})
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.released_at is not None:
            raise ValidationError(f"{locked} was already released on {locked.released_at:%Y-%m-%d}.")
        return record_update(instance=locked, actor=actor, reason=reason, data={
            "released_at": timezone.now(), "release_reason": reason})


def legal_hold_delete(*, hold: LegalHold, actor: Actor, reason: str) -> None:
    """Remove a hold entered by mistake (its history keeps every field); release otherwise."""
    record_delete(instance=hold, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------
# A hold freezes what it covers
# --------------------------------------------------------------------------------------
def legal_holds_covering(record, *, with_versions: bool = False):
    """Active holds covering a model, model version, dataset or dataset version: its own,
    and those on the model or dataset it belongs to; with `with_versions`, also those on
    a model's or dataset's versions (a delete takes the versions with it)."""
    if isinstance(record, MLModel):
        covers = Q(model=record) | (Q(model_version__model=record) if with_versions else Q(pk=None))
    elif isinstance(record, ModelVersion):
        covers = Q(model_version=record) | Q(model_id=record.model_id)
    elif isinstance(record, Dataset):
        covers = Q(dataset=record) | (Q(dataset_version__dataset=record) if with_versions
                                      else Q(pk=None))
    elif isinstance(record, DatasetVersion):
        covers = Q(dataset_version=record) | Q(dataset_id=record.dataset_id)
    else:
        return LegalHold.objects.none()
    return LegalHold.objects.active().filter(covers).order_by("created_at", "id")


def legal_hold_refuse(record, *, doing: str, with_versions: bool = False) -> None:
    """The one legal-hold check of every service writing a held kind of record.

    Args:
        record: the model, model version, dataset or dataset version about to be written.
        doing: what would happen to it, as a past participle ("changed", "retired").
        with_versions: count holds on its versions too (for deletes).
    Raises:
        ConflictError: an active hold covers it, named with its case reference; nothing
            may change until the hold is released.
    """
    holds = list(legal_holds_covering(record, with_versions=with_versions))
    if not holds:
        return
    named = ", ".join(f"“{hold.reference}”" for hold in holds)
    raise ConflictError(
        f"“{record}” is under legal hold {named}: it cannot be {doing} until the hold is "
        "released.", blocking=holds)


# --------------------------------------------------------------------------------------
# The purge
# --------------------------------------------------------------------------------------
@dataclass
class PurgeCandidate:
    """One held artifact and what retention says about it."""

    kind: str  # RetainedAssetType value
    object_id: int
    label: str
    artifact_uri: str
    storage_name: str
    policy_id: int | None
    retained_until: datetime | None
    held_by: list[str]
    # Model versions not retired that were trained, validated or tested on this dataset
    # version: purging it would leave a live model without its evidence.
    in_use_by: list[str] = field(default_factory=list)

    @property
    def expired(self) -> bool:
        return (self.policy_id is not None and self.retained_until is not None
                and self.retained_until <= timezone.now())

    @property
    def due(self) -> bool:
        return self.expired and not self.held_by and not self.in_use_by

    @property
    def skip_reason(self) -> str:
        reasons = []
        if self.held_by:
            reasons.append("under legal hold " + ", ".join(self.held_by))
        if self.in_use_by:
            reasons.append("used by model versions not retired: " + ", ".join(self.in_use_by))
        return "; ".join(reasons)

    def as_report(self) -> dict[str, Any]:
        row = asdict(self)
        row["retained_until"] = self.retained_until.isoformat() if self.retained_until else None
        row["skip_reason"] = self.skip_reason
        return row


def _policies(asset_type: str) -> list[RetentionPolicy]:
    return list(RetentionPolicy.objects.filter(active=True, asset_type=asset_type))


def _applicable(policies: list[RetentionPolicy], tags: set[int]) -> list[RetentionPolicy]:
    return [p for p in policies if p.regulation_id is None or p.regulation_id in tags]


def _longest(pairs: list[tuple[RetentionPolicy, datetime]]) -> tuple[int | None, datetime | None]:
    """The (policy, end of retention) that keeps the artifact longest."""
    if not pairs:
        return None, None
    policy, until = max(pairs, key=lambda pair: pair[1])
    return policy.pk, until


def _stage_entry_times(versions: list[ModelVersion]) -> dict[tuple[int, str], datetime]:
    """When each version first reached each post-production stage, from its history."""
    rows = (ModelVersion.history.filter(id__in=[v.pk for v in versions],
                                        stage__in=list(_LATER_STAGES))
            .order_by().values("id", "stage").annotate(first=Min("history_date")))
    return {(row["id"], row["stage"]): row["first"] for row in rows}


def _model_version_candidates() -> list[PurgeCandidate]:
    policies = _policies(RetainedAssetType.MODEL_VERSION)
    versions = list(ModelVersion.objects.filter(
        artifact_uri__startswith=HELD_SCHEME, stage__in=list(_LATER_STAGES))
        .select_related("model").prefetch_related("model__compliance_tags"))
    entered = _stage_entry_times(versions)
    holds = LegalHold.objects.active().filter(
        Q(model_version__in=versions) | Q(model__in={v.model_id for v in versions}))
    held: dict[tuple[str, int], list[str]] = {}
    for hold in holds:
        key = ("version", hold.model_version_id) if hold.model_version_id else (
            "model", hold.model_id)
        held.setdefault(key, []).append(hold.reference)
    candidates = []
    for version in versions:
        name = held_storage_name(version.artifact_uri)
        if name is None:
            continue
        tags = {tag.pk for tag in version.model.compliance_tags.all()}
        pairs = []
        for policy in _applicable(policies, tags):
            if version.stage not in _LATER_STAGES[policy.stage]:
                continue  # not yet at the policy's stage: it does not apply yet
            start = min((entered[(version.pk, s)] for s in _LATER_STAGES[policy.stage]
                         if (version.pk, s) in entered), default=version.updated_at)
            pairs.append((policy, start + timedelta(days=policy.retain_days)))
        policy_id, until = _longest(pairs)
        candidates.append(PurgeCandidate(
            kind=RetainedAssetType.MODEL_VERSION, object_id=version.pk, label=str(version),
            artifact_uri=version.artifact_uri, storage_name=name, policy_id=policy_id,
            retained_until=until,
            held_by=held.get(("version", version.pk), []) + held.get(("model", version.model_id), [])))
    return candidates


def _dataset_version_candidates() -> list[PurgeCandidate]:
    policies = _policies(RetainedAssetType.DATASET_VERSION)
    versions = list(DatasetVersion.objects.filter(uri__startswith=HELD_SCHEME)
                    .select_related("dataset").prefetch_related("dataset__compliance_tags"))
    holds = LegalHold.objects.active().filter(
        Q(dataset_version__in=versions) | Q(dataset__in={v.dataset_id for v in versions}))
    held: dict[tuple[str, int], list[str]] = {}
    for hold in holds:
        key = ("version", hold.dataset_version_id) if hold.dataset_version_id else (
            "dataset", hold.dataset_id)
        held.setdefault(key, []).append(hold.reference)
    in_use = _live_users([v.pk for v in versions])
    candidates = []
    for version in versions:
        name = held_storage_name(version.uri)
        if name is None:
            continue
        tags = {tag.pk for tag in version.dataset.compliance_tags.all()}
        pairs = [(p, version.created_at + timedelta(days=p.retain_days))
                 for p in _applicable(policies, tags)]
        policy_id, until = _longest(pairs)
        candidates.append(PurgeCandidate(
            kind=RetainedAssetType.DATASET_VERSION, object_id=version.pk, label=str(version),
            artifact_uri=version.uri, storage_name=name, policy_id=policy_id,
            retained_until=until,
            held_by=held.get(("version", version.pk), []) + held.get(("dataset", version.dataset_id), []),
            in_use_by=in_use.get(version.pk, [])))
    return candidates


def _live_links(dataset_version_ids):
    """Links from model versions that are not retired to these dataset versions."""
    return ModelVersionDataset.objects.filter(
        dataset_version_id__in=dataset_version_ids).exclude(
        model_version__stage=ModelStage.RETIRED)


def _live_users(dataset_version_ids: list[int]) -> dict[int, list[str]]:
    """Per dataset version, the model versions not retired that depend on it (one query)."""
    users: dict[int, list[str]] = {}
    for link in _live_links(dataset_version_ids).select_related("model_version__model"):
        label = str(link.model_version)
        if label not in users.setdefault(link.dataset_version_id, []):
            users[link.dataset_version_id].append(label)
    return users


def retention_candidates() -> list[PurgeCandidate]:
    """Every held artifact not purged yet, with its policy, end of retention and holds."""
    purged = set(PurgeRecord.objects.values_list("storage_name", flat=True))
    return [c for c in _model_version_candidates() + _dataset_version_candidates()
            if c.storage_name not in purged]


def _still_blocked(candidate: PurgeCandidate) -> bool:
    """Re-check holds and live users inside the purge transaction (a hold may have been
    placed, or a version linked or promoted, meanwhile)."""
    if candidate.kind == RetainedAssetType.MODEL_VERSION:
        version = ModelVersion.objects.get(pk=candidate.object_id)
        return LegalHold.objects.active().filter(
            Q(model_version=version) | Q(model_id=version.model_id)).exists()
    version = DatasetVersion.objects.get(pk=candidate.object_id)
    return LegalHold.objects.active().filter(
        Q(dataset_version=version) | Q(dataset_id=version.dataset_id)).exists() or \
        _live_links([version.pk]).exists()


def _purge_one(candidate: PurgeCandidate, *, job_run: JobRun | None) -> dict[str, Any] | None:
    """Delete one artifact and write its record in one transaction; None if not done here."""
    try:
        with transaction.atomic():
            if _still_blocked(candidate):
                return None
            exists = held_storage().exists(candidate.storage_name)
            size = held_storage().size(candidate.storage_name) if exists else None
            record = PurgeRecord.objects.create(
                model_version_id=(candidate.object_id
                                  if candidate.kind == RetainedAssetType.MODEL_VERSION else None),
                dataset_version_id=(candidate.object_id
                                    if candidate.kind == RetainedAssetType.DATASET_VERSION
                                    else None),
                artifact_uri=candidate.artifact_uri, storage_name=candidate.storage_name,
                size=size, policy_id=candidate.policy_id, retained_until=candidate.retained_until,
                job_run=job_run, actor=describe_actor())
            if exists:
                held_storage().delete(candidate.storage_name)
    except IntegrityError:
        return None  # another worker purged it a moment ago
    return {**candidate.as_report(), "size": size, "file_found": exists,
            "purge_record": record.pk}


def retention_purge(*, dry_run: bool = False, job_run: JobRun | None = None,
                    progress=None) -> dict[str, Any]:
    """Purge every held artifact past retention and not under a legal hold.

    Args:
        dry_run: list what would be purged; write and delete nothing.
        job_run: the run doing it (named on each purge record).
        progress: optional callable(percent, message) for the job's progress bar.
    Returns:
        The report: purged (or would_purge) artifacts; those past retention but skipped
        (`skipped`, each with its `skip_reason`: a legal hold, or model versions not retired
        that depend on the data; `held` lists the held ones alone); how many are still
        within retention or without a policy; and the bytes freed.
    """
    candidates = retention_candidates()
    due = [c for c in candidates if c.due]
    skipped = [c for c in candidates if c.expired and not c.due]
    report: dict[str, Any] = {
        "dry_run": dry_run,
        "held": [c.as_report() for c in skipped if c.held_by],
        "skipped": [c.as_report() for c in skipped],
        "within_retention": sum(1 for c in candidates if c.policy_id is not None
                                and not c.expired),
        "without_policy": sum(1 for c in candidates if c.policy_id is None),
    }
    if dry_run:
        report["would_purge"] = [c.as_report() for c in due]
        return report
    purged = []
    for index, candidate in enumerate(due, start=1):
        outcome = _purge_one(candidate, job_run=job_run)
        if outcome is not None:
            purged.append(outcome)
        if progress is not None:
            progress(int(index * 100 / len(due)), f"{candidate.label}: "
                     + ("purged" if outcome else "skipped"))
    report["purged"] = purged
    report["bytes_freed"] = sum(p["size"] or 0 for p in purged)
    return report
