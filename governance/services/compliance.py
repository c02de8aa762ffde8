"""Compliance status: which requirements apply to each model, which are met, which are gaps.

For every model and every framework with a current version:
1. the framework's applicability rule is tested on the model's facts; if it does not
   hold, the status is "not applicable";
2. each current requirement's own rule is tested; for each that applies, its evidence
   checks run; a failed check is a named gap saying what is missing and where to fill it;
3. the status is "gap" when any applicable requirement has a gap, "met" when at least one
   applies and all are met, "not applicable" when none applies.

An assessment is written only when its outcome changed (a fingerprint of the version and
every result), so recomputing is idempotent. Recomputes run for the models a change
touched, after the change commits (signals), and for every model on a schedule; a batch
costs the same number of queries whatever its size.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core.models import JobRun
from governance.applicability import condition_matches
from governance.choices import ComplianceOutcome
from governance.evidence import evidence_check
from governance.models import ComplianceAssessment, FrameworkVersion, Requirement, RequirementResult
from governance.selectors.facts import ModelFacts, model_facts_load
from inventory.models import MLModel

__all__ = [
    "RECOMPUTE_JOB",
    "FrameworkOutcome",
    "compliance_assess",
    "compliance_recompute",
    "compliance_recompute_all_soon",
    "compliance_recompute_soon",
    "frameworks_in_force",
]

logger = logging.getLogger(__name__)

RECOMPUTE_JOB = "governance.compliance_recompute"
BATCH_SIZE = 200


@dataclass
class RequirementOutcome:
    requirement: Requirement
    outcome: str
    missing: list[dict] = field(default_factory=list)


@dataclass
class FrameworkOutcome:
    """A model's computed standing against one framework version (not yet stored)."""

    model_id: int
    version: FrameworkVersion
    status: str
    results: list[RequirementOutcome]

    @property
    def applicable(self) -> int:
        return sum(r.outcome != ComplianceOutcome.NOT_APPLICABLE for r in self.results)

    @property
    def met(self) -> int:
        return sum(r.outcome == ComplianceOutcome.MET for r in self.results)

    @property
    def gaps(self) -> int:
        return sum(r.outcome == ComplianceOutcome.GAP for r in self.results)

    def fingerprint(self) -> str:
        body = [self.version.pk, self.status,
                [[r.requirement.pk, r.outcome, r.missing] for r in self.results]]
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def frameworks_in_force() -> list[FrameworkVersion]:
    """Every framework's current version, its current requirements in `in_force` (two
    queries)."""
    requirements = Requirement.objects.filter(is_current=True).order_by("order", "key")
    return list(FrameworkVersion.objects.filter(is_current=True).select_related("framework")
                .prefetch_related(Prefetch("requirements", queryset=requirements,
                                           to_attr="in_force"))
                .order_by("framework__short_name"))


def compliance_assess(facts: ModelFacts, versions: Iterable[FrameworkVersion]
                      ) -> list[FrameworkOutcome]:
    """A model's outcome against each framework version (pure: no query)."""
    rule_facts = facts.rule_facts()
    outcomes = []
    for version in versions:
        if not condition_matches(version.applies_when, rule_facts):
            outcomes.append(FrameworkOutcome(facts.pk, version,
                                             ComplianceOutcome.NOT_APPLICABLE, []))
            continue
        results = [_assess_requirement(requirement, facts, rule_facts)
                   for requirement in version.in_force]
        outcomes.append(FrameworkOutcome(facts.pk, version, _status(results), results))
    return outcomes


def _assess_requirement(requirement: Requirement, facts: ModelFacts,
                        rule_facts: dict) -> RequirementOutcome:
    if not condition_matches(requirement.applies_when, rule_facts):
        return RequirementOutcome(requirement, ComplianceOutcome.NOT_APPLICABLE)
    missing = []
    for name in requirement.evidence_checks:
        check = evidence_check(name)
        if check is None:
            missing.append({"check": name, "label": name, "detail":
                            f"The evidence check “{name}” is not available any more.", "url": ""})
            continue
        missing += [{"check": name, "label": check.label, "detail": item.detail,
                     "url": item.url} for item in check.test(facts)]
    return RequirementOutcome(requirement,
                              ComplianceOutcome.GAP if missing else ComplianceOutcome.MET,
                              missing)


def _status(results: list[RequirementOutcome]) -> str:
    if any(r.outcome == ComplianceOutcome.GAP for r in results):
        return ComplianceOutcome.GAP
    if any(r.outcome == ComplianceOutcome.MET for r in results):
        return ComplianceOutcome.MET
    return ComplianceOutcome.NOT_APPLICABLE


# --------------------------------------------------------------------------------------
# Recompute and store
# --------------------------------------------------------------------------------------
def compliance_recompute(*, model_ids: Iterable[int] | None = None, trigger: str,
                         job_run: JobRun | None = None,
                         progress: Callable[[int, str], None] | None = None,
                         batch_size: int = BATCH_SIZE, skip_locked: bool = True
                         ) -> dict[str, int]:
    """Recompute the compliance status of `model_ids` (every model when None).

    Each batch runs in its own transaction and locks its models' rows (in id order, so
    two runs never deadlock), so two workers never write the same status twice. The
    scheduled run skips rows another run holds (that run writes their outcome); the run
    after a change waits for them, so it reads what was just committed.

    Returns:
        Models assessed, statuses written (changed outcomes) and statuses unchanged.
    """
    ids = sorted(set(model_ids)) if model_ids is not None else list(
        MLModel.objects.order_by("pk").values_list("pk", flat=True))
    versions = frameworks_in_force()
    summary = {"models": 0, "written": 0, "unchanged": 0, "skipped_locked": 0}
    for start in range(0, len(ids), batch_size):
        batch = ids[start:start + batch_size]
        _recompute_batch(batch, versions, trigger, job_run, summary,
                         skip_locked=skip_locked)
        if progress is not None:
            done = min(start + batch_size, len(ids))
            progress(int(done * 100 / len(ids)), f"{done} of {len(ids)} models assessed")
    return summary


def _recompute_batch(batch: list[int], versions: list[FrameworkVersion], trigger: str,
                     job_run: JobRun | None, summary: dict[str, int], *,
                     skip_locked: bool) -> None:
    with transaction.atomic():
        locked = list(MLModel.objects.select_for_update(skip_locked=skip_locked, of=("self",))
                      .filter(pk__in=batch).order_by("pk").values_list("pk", flat=True))
        existing = set(MLModel.objects.filter(pk__in=batch).values_list("pk", flat=True)) \
            if skip_locked and len(locked) < len(batch) else set(locked)
        summary["skipped_locked"] += len(existing - set(locked))
        facts = model_facts_load(locked)
        outcomes = [outcome for model_facts in facts.values()
                    for outcome in compliance_assess(model_facts, versions)]
        written = _store(outcomes, list(facts), trigger, job_run)
        summary["models"] += len(facts)
        summary["written"] += written
        summary["unchanged"] += len(outcomes) - written


def _store(outcomes: list[FrameworkOutcome], model_ids: list[int], trigger: str,
           job_run: JobRun | None) -> int:
    """Write the outcomes that changed (three statements per batch); return how many."""
    current = {(row["model_id"], row["framework_id"]): row for row in
               ComplianceAssessment.objects.filter(model_id__in=model_ids, is_current=True)
               .values("pk", "model_id", "framework_id", "fingerprint")}
    now = timezone.now()
    retire, fresh = [], []
    for outcome in outcomes:
        key = (outcome.model_id, outcome.version.framework_id)
        fingerprint = outcome.fingerprint()
        stored = current.pop(key, None)
        if stored is not None and stored["fingerprint"] == fingerprint:
            continue
        if stored is not None:
            retire.append(stored["pk"])
        fresh.append((outcome, ComplianceAssessment(
            model_id=outcome.model_id, framework_id=outcome.version.framework_id,
            framework_version=outcome.version, status=outcome.status,
            applicable_count=outcome.applicable, met_count=outcome.met,
            gap_count=outcome.gaps, fingerprint=fingerprint, assessed_at=now,
            trigger=trigger[:200], job_run=job_run, is_current=True)))
    # Statuses of frameworks no longer in force stop being current too.
    retire += [row["pk"] for row in current.values()]
    if retire:
        ComplianceAssessment.objects.filter(pk__in=retire).update(is_current=False)
    if fresh:
        ComplianceAssessment.objects.bulk_create([assessment for _, assessment in fresh])
        RequirementResult.objects.bulk_create([
            RequirementResult(assessment=assessment, requirement=result.requirement,
                              outcome=result.outcome, missing=result.missing)
            for outcome, assessment in fresh for result in outcome.results])
    return len(fresh)


# --------------------------------------------------------------------------------------
# After-commit triggers
# --------------------------------------------------------------------------------------
_pending = threading.local()


def compliance_recompute_soon(model_ids: Iterable[int], *, trigger: str) -> None:
    """Recompute these models once the current transaction commits (at once outside one).

    Many changes in one transaction recompute each model once. A failure is logged, not
    raised: the change itself is committed, and the scheduled recompute catches up.
    """
    ids = {model_id for model_id in model_ids if model_id is not None}
    if not ids:
        return
    pending: dict[int, str] = _pending.__dict__.setdefault("models", {})
    for model_id in ids:
        pending.setdefault(model_id, trigger)
    transaction.on_commit(_flush_models)


def _flush_models() -> None:
    pending: dict[int, str] = _pending.__dict__.pop("models", {})
    if not pending:
        return
    triggers = sorted(set(pending.values()))
    trigger = triggers[0] if len(triggers) == 1 else f"{triggers[0]} (and {len(triggers) - 1} more)"
    try:
        compliance_recompute(model_ids=list(pending), trigger=trigger, skip_locked=False)
    except Exception:
        logger.exception("Compliance recompute of %s models failed; the scheduled run "
                         "will catch up", len(pending))


def compliance_recompute_all_soon(*, reason: str) -> None:
    """Start one full recompute job after the current transaction commits (one per
    transaction, however many rules it changed)."""
    _pending.__dict__.setdefault("full", reason)
    transaction.on_commit(_submit_full)


def _submit_full() -> None:
    from core.services.job_runs import job_run_submit

    reason = _pending.__dict__.pop("full", None)
    if reason is None:
        return
    try:
        job_run_submit(name=RECOMPUTE_JOB, parameters={"trigger": reason[:200]})
    except Exception:
        logger.exception("Could not queue the compliance recompute; the schedule will run it")
