"""Deprecation and archival triggers: notice first, change after.

Three triggers find versions to move on:
- **performance decay**: an active `DeprecationRule`'s metric past its threshold in each of
  the version's last N `MetricObservation`s (production versions → deprecated);
- **regulatory expiry**: the version's validation or approval expiry date
  (`DeprecationSchedule`) is near or past (production → deprecated);
- **schedule**: the planned deprecation date (production → deprecated) or archival date
  (deprecated → archived) is near or past.

Each finding goes through two steps, never in the same run:
1. **notice**: a `DeprecationNotice` is written, owners and steward are e-mailed (through the
   outbox) and the `model_version.deprecation_notice` webhook event is sent; the change
   is due on `effective_on`, at least the notice period after the notice;
2. **change**: on a run on/after `effective_on`, if the trigger still holds, the version
   moves through `inventory.services.versions.model_version_transition` (the one state
   machine; refusals are recorded on the notice), with the notice's reason; the history row
   names the job (`job:<name>:<run id>`) as the actor. A notice whose trigger no longer
   holds (the metric recovered, the date was moved) is cancelled.

Higher apps feed the performance-decay trigger through `register_decay_source`: a source
returns `DecaySignal`s (a production version and why it decays, e.g. monitoring's open
retraining alerts); each becomes a finding with the same notice-then-change steps.

A dry run reports what would be notified, changed and cancelled, and writes nothing.
Safe to run twice and on two workers at once: each version is worked under
`select_for_update(skip_locked=True)`, and a database constraint allows one open notice
per version, trigger and target stage.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ConflictError
from core.models import JobRun
from inventory.choices import ModelStage, NoticeStatus, TriggerKind, WebhookEvent
from inventory.models import (
    DeprecationNotice,
    DeprecationRule,
    DeprecationSchedule,
    MetricObservation,
    ModelVersion,
)

__all__ = [
    "DecaySignal",
    "Finding",
    "decay_sources",
    "deprecation_findings",
    "deprecation_notice_send",
    "deprecation_rule_create",
    "deprecation_rule_delete",
    "deprecation_rule_update",
    "deprecation_run",
    "deprecation_schedule_create",
    "deprecation_schedule_delete",
    "deprecation_schedule_update",
    "register_decay_source",
]

NOTIFY_TASK = "inventory.deprecation_notify"


@dataclass
class Finding:
    """A version a trigger says should move to `target_stage`, from `due_on`, and why."""

    version: ModelVersion
    trigger: str
    target_stage: str
    due_on: datetime.date
    notice_days: int
    reason: str
    rule: DeprecationRule | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.version.pk, self.trigger, self.target_stage)

    def as_report(self) -> dict[str, Any]:
        return {"model_version": self.version.pk, "label": str(self.version),
                "trigger": self.trigger, "target_stage": self.target_stage,
                "due_on": self.due_on.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class DecaySignal:
    """A decay reported by another app: version `model_version_id` decays, because `reason`."""

    model_version_id: int
    reason: str
    notice_days: int = 14


DecaySource = Callable[[datetime.date], Iterable[DecaySignal]]
_DECAY_SOURCES: dict[str, DecaySource] = {}


def register_decay_source(source: DecaySource, *, name: str) -> None:
    """Let a higher app feed the performance-decay trigger (called from its `ready()`);
    registering the same name again replaces the source."""
    _DECAY_SOURCES[name] = source


def decay_sources() -> dict[str, DecaySource]:
    return dict(_DECAY_SOURCES)


def _allowed(version: ModelVersion, target: str) -> bool:
    from inventory.services.versions import allowed_transitions

    return target in allowed_transitions(version.stage)


def _decay_findings(today: datetime.date) -> list[Finding]:
    findings = []
    for rule in DeprecationRule.objects.filter(active=True).select_related("model"):
        versions = ModelVersion.objects.filter(stage=ModelStage.PRODUCTION).select_related("model")
        if rule.model_id:
            versions = versions.filter(model_id=rule.model_id)
        for version in versions:
            values = list(MetricObservation.objects.filter(
                model_version=version, name=rule.metric).order_by("-observed_at", "-id")
                .values_list("value", flat=True)[:rule.consecutive])
            if len(values) == rule.consecutive and all(rule.breached(v) for v in values):
                latest = ", ".join(f"{v:g}" for v in values)
                findings.append(Finding(
                    version=version, trigger=TriggerKind.PERFORMANCE_DECAY,
                    target_stage=ModelStage.DEPRECATED, due_on=today,
                    notice_days=rule.notice_days, rule=rule,
                    reason=f"Performance decay: {rule.describe()}; latest values {latest}."))
    return findings + _signalled_decay_findings(today, {f.version.pk for f in findings})


def _signalled_decay_findings(today: datetime.date, found: set[int]) -> list[Finding]:
    """Findings from the registered decay sources, for production versions not found yet."""
    signals: dict[int, DecaySignal] = {}
    for source in _DECAY_SOURCES.values():
        for signal in source(today):
            if signal.model_version_id not in found:
                signals.setdefault(signal.model_version_id, signal)
    versions = ModelVersion.objects.filter(pk__in=signals, stage=ModelStage.PRODUCTION
                                           ).select_related("model")
    return [Finding(version=version, trigger=TriggerKind.PERFORMANCE_DECAY,
                    target_stage=ModelStage.DEPRECATED, due_on=today,
                    notice_days=signals[version.pk].notice_days,
                    reason=f"Performance decay: {signals[version.pk].reason}")
            for version in versions]


def _schedule_findings(today: datetime.date) -> list[Finding]:
    findings = []
    for plan in DeprecationSchedule.objects.select_related("model_version",
                                                           "model_version__model"):
        version = plan.model_version
        wanted: list[tuple[str, str, datetime.date | None, str]] = []
        if version.stage == ModelStage.PRODUCTION:
            wanted.append((TriggerKind.SCHEDULED, ModelStage.DEPRECATED, plan.deprecate_on,
                           f"Planned deprecation on {plan.deprecate_on}."))
            expiries = [(d, what) for d, what in ((plan.validation_expires_on, "validation"),
                                                  (plan.approval_expires_on, "approval")) if d]
            if expiries:
                due, what = min(expiries)
                wanted.append((TriggerKind.REGULATORY_EXPIRY, ModelStage.DEPRECATED, due,
                               f"Regulatory expiry: the {what} of this version expires on {due}."))
        elif version.stage == ModelStage.DEPRECATED:
            wanted.append((TriggerKind.SCHEDULED, ModelStage.ARCHIVED, plan.archive_on,
                           f"Planned archival on {plan.archive_on}."))
        notice = datetime.timedelta(days=plan.notice_days)
        for trigger, target, due, reason in wanted:
            if due is not None and today >= due - notice:
                findings.append(Finding(version=version, trigger=trigger, target_stage=target,
                                        due_on=due, notice_days=plan.notice_days, reason=reason))
    return findings


def deprecation_findings(*, today: datetime.date | None = None) -> list[Finding]:
    """What the triggers find today, limited to moves the state machine allows."""
    today = today or timezone.localdate()
    return [f for f in _decay_findings(today) + _schedule_findings(today)
            if _allowed(f.version, f.target_stage)]


def _recipients(version: ModelVersion) -> list[dict[str, str]]:
    people = [version.model.owner, version.model.steward]
    seen, result = set(), []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            result.append({"username": person.get_username(), "email": person.email or ""})
    return result


def _notify(finding: Finding, today: datetime.date, job_run: JobRun | None) -> DeprecationNotice:
    """Write the notice and queue the e-mail and the webhook event (after commit)."""
    from core.services.jobs import task_enqueue
    from inventory.services.integrations import webhook_event_emit

    effective = max(finding.due_on, today + datetime.timedelta(days=finding.notice_days))
    notice = DeprecationNotice.objects.create(
        model_version=finding.version, trigger=finding.trigger,
        target_stage=finding.target_stage, rule=finding.rule, reason=finding.reason,
        recipients=_recipients(finding.version), effective_on=effective, job_run=job_run)
    task_enqueue(NOTIFY_TASK, notice_id=notice.pk)
    webhook_event_emit(event=WebhookEvent.DEPRECATION_NOTICE, data={
        "model_version": {"id": finding.version.pk, "model": finding.version.model_id,
                          "model_name": finding.version.model.name,
                          "version": finding.version.version},
        "trigger": finding.trigger, "target_stage": finding.target_stage,
        "effective_on": effective.isoformat(), "reason": finding.reason})
    return notice


def _apply(notice: DeprecationNotice, version: ModelVersion) -> tuple[str, str]:
    """Make the change through the versions state machine; record the outcome on the notice."""
    from inventory.services.versions import model_version_transition

    reason = (f"Automatic {notice.get_target_stage_display().lower()}: {notice.reason} "
              f"Owners notified on {notice.notified_at:%Y-%m-%d} (notice #{notice.pk}).")
    try:
        with transaction.atomic():
            model_version_transition(version=version, to_stage=notice.target_stage, actor=None,
                                     reason=reason)
    except (ValidationError, ConflictError) as error:  # ConflictError: a legal hold
        notice.status, notice.outcome = NoticeStatus.REFUSED, "; ".join(error.messages)
    else:
        notice.status, notice.outcome = NoticeStatus.APPLIED, reason
    notice.closed_at = timezone.now()
    notice.save(update_fields=["status", "outcome", "closed_at"])
    return notice.status, notice.outcome


def deprecation_run(*, dry_run: bool = False, today: datetime.date | None = None,
                    job_run: JobRun | None = None) -> dict[str, Any]:
    """Run the triggers once: notify, apply what is due, cancel what no longer holds.

    Args:
        dry_run: report only; nothing is written, notified or changed.
        today: the date to evaluate (tests, back-fills); defaults to today.
        job_run: the run doing it (named on each notice).
    Returns:
        The report: notified, applied, refused, cancelled (or would_* for a dry run),
        and how many versions another worker held.
    """
    today = today or timezone.localdate()
    findings = {f.key: f for f in deprecation_findings(today=today)}
    open_notices = {(n.model_version_id, n.trigger, n.target_stage): n
                    for n in DeprecationNotice.objects.filter(status=NoticeStatus.NOTIFIED)}
    report: dict[str, Any] = {"dry_run": dry_run, "today": today.isoformat()}
    if dry_run:
        report["would_notify"] = [f.as_report() for k, f in findings.items()
                                  if k not in open_notices]
        report["would_apply"] = [f.as_report() for k, f in findings.items()
                                 if k in open_notices and today >= open_notices[k].effective_on]
        report["would_cancel"] = [n.pk for k, n in open_notices.items() if k not in findings]
        return report
    notified, applied, refused, cancelled, busy = [], [], [], [], 0
    for key in sorted(set(findings) | set(open_notices)):
        with transaction.atomic():
            version = (ModelVersion.objects.select_for_update(skip_locked=True)
                       .select_related("model").filter(pk=key[0]).first())
            if version is None:
                busy += 1  # another worker is on it
                continue
            notice = (DeprecationNotice.objects.select_for_update()
                      .filter(model_version=version, trigger=key[1], target_stage=key[2],
                              status=NoticeStatus.NOTIFIED).first())
            finding = findings.get(key)
            if finding is None:
                if notice is not None:
                    notice.status, notice.closed_at = NoticeStatus.CANCELLED, timezone.now()
                    notice.outcome = "The trigger no longer holds (recovered or re-planned)."
                    notice.save(update_fields=["status", "closed_at", "outcome"])
                    cancelled.append(notice.pk)
                continue
            finding.version = version
            if notice is None:
                try:
                    with transaction.atomic():
                        notice = _notify(finding, today, job_run)
                except IntegrityError:
                    busy += 1
                    continue
                notified.append({**finding.as_report(), "notice": notice.pk,
                                 "effective_on": notice.effective_on.isoformat()})
            elif today >= notice.effective_on:
                status, outcome = _apply(notice, version)
                entry = {**finding.as_report(), "notice": notice.pk, "outcome": outcome}
                (applied if status == NoticeStatus.APPLIED else refused).append(entry)
    report.update(notified=notified, applied=applied, refused=refused, cancelled=cancelled,
                  busy=busy)
    return report


def deprecation_notice_send(*, notice_id: int) -> int:
    """E-mail a notice to the version's owner and steward.

    Returns:
        How many messages were sent.
    """
    from django.conf import settings
    from django.core.mail import send_mail

    notice = DeprecationNotice.objects.select_related("model_version",
                                                      "model_version__model").get(pk=notice_id)
    addresses = [r["email"] for r in notice.recipients if r.get("email")]
    if not addresses:
        return 0
    subject = (f"[Custodia] {notice.model_version} will be "
               f"{notice.get_target_stage_display().lower()} on {notice.effective_on}")
    body = (f"{notice.reason}\n\nThe change will be made automatically on or after "
            f"{notice.effective_on} unless the trigger no longer holds. Notice #{notice.pk}.")
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)


# --------------------------------------------------------------------------------------
# Trigger configuration (admin and API)
# --------------------------------------------------------------------------------------
def deprecation_rule_create(*, actor, reason: str, data: dict[str, Any]) -> DeprecationRule:
    """Add a performance-decay rule.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    from core.services.records import record_create

    return record_create(model_class=DeprecationRule, actor=actor, reason=reason, data=data)


def deprecation_rule_update(*, rule: DeprecationRule, actor, reason: str,
                            data: dict[str, Any]) -> DeprecationRule:
    """Change a rule; open notices it raised are re-checked (and maybe cancelled) next run."""
    from core.services.records import record_update

    return record_update(instance=rule, actor=actor, reason=reason, data=data)


def deprecation_rule_delete(*, rule: DeprecationRule, actor, reason: str) -> None:
    """Delete a rule (its notices keep their reason; the rule is kept in history)."""
    from core.services.records import record_delete

    record_delete(instance=rule, actor=actor, reason=reason)


def deprecation_schedule_create(*, actor, reason: str,
                                data: dict[str, Any]) -> DeprecationSchedule:
    """Plan a version's deprecation/archival dates and record its expiry dates.

    Raises:
        ValidationError: field by field (archival before deprecation...); nothing is written.
    """
    from core.services.records import record_create

    return record_create(model_class=DeprecationSchedule, actor=actor, reason=reason, data=data)


def deprecation_schedule_update(*, schedule: DeprecationSchedule, actor, reason: str,
                                data: dict[str, Any]) -> DeprecationSchedule:
    """Move the dates; a notice whose date moved out of its window is cancelled next run."""
    from django.core.exceptions import ValidationError as Invalid

    from core.services.records import record_update

    if "model_version" in data and getattr(data["model_version"], "pk",
                                           data["model_version"]) != schedule.model_version_id:
        raise Invalid({"model_version": ["A schedule belongs to one version for good."]})
    return record_update(instance=schedule, actor=actor, reason=reason, data=data)


def deprecation_schedule_delete(*, schedule: DeprecationSchedule, actor, reason: str) -> None:
    """Drop a version's plan (open notices from it are cancelled on the next run)."""
    from core.services.records import record_delete

    record_delete(instance=schedule, actor=actor, reason=reason)
