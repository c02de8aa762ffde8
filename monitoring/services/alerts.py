"""Degradation detection and retraining alerts.

`degradation_run` reads, in ONE query, every (version, metric) with hourly roll-ups in the
evaluation window together with the threshold in force (the model's own, else its risk
tier's default), its recent mean and the version's own baseline (the mean of its first
`CUSTODIA_DEGRADATION_BASELINE_DAYS` days of daily roll-ups). A breach of the threshold or
of the baseline tolerance opens a `RetrainingAlert` for the model's owner (in the app, and
by e-mail through the outbox) or refreshes the open one; an alert whose metric is back
within bounds resolves itself. Safe on two workers: the job's lock row is taken with
`skip_locked`, and a database constraint allows one active alert per version and metric.

Alerts open for their threshold's `decay_after_days` feed the lifecycle's performance-decay
trigger (`retraining_decay_signals`, registered with `inventory.services.deprecation`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, FloatField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from core.audit import audit_context
from core.models import JobRun
from core.permissions import user_can
from inventory.choices import DecayDirection
from inventory.models import ModelVersion
from inventory.services.deprecation import DecaySignal
from monitoring.choices import ACTIVE_ALERT_STATUSES, AlertStatus, BreachKind, Granularity
from monitoring.models import MetricRollup, MetricThreshold, RetrainingAlert
from monitoring.services.rollups import job_lock

__all__ = [
    "NOTIFY_TASK",
    "Evaluation",
    "degradation_evaluations",
    "degradation_run",
    "retraining_alert_acknowledge",
    "retraining_alert_notify",
    "retraining_decay_signals",
]

NOTIFY_TASK = "monitoring.retraining_alert_notify"
DEGRADATION_LOCK = "degradation-check"


@dataclass(frozen=True)
class Evaluation:
    """One version's metric in the evaluation window, with its threshold and baseline."""

    model_version_id: int
    metric: str
    current: float
    observations: int
    threshold_id: int
    limit: float
    direction: str
    tolerance: float | None
    baseline: float | None

    def _worse(self, value: float, reference: float) -> float:
        """How much worse `value` is than `reference`, as a fraction (negative: better)."""
        if reference == 0:
            return 0.0
        gap = (reference - value) if self.direction == DecayDirection.BELOW else (
            value - reference)
        return gap / abs(reference)

    @property
    def past_threshold(self) -> bool:
        return self.current < self.limit if self.direction == DecayDirection.BELOW else (
            self.current > self.limit)

    @property
    def degradation(self) -> float:
        """Worse than the baseline (a fraction), or, without one, how far past the limit."""
        if self.baseline is not None:
            return max(0.0, self._worse(self.current, self.baseline))
        return max(0.0, self._worse(self.current, self.limit))

    @property
    def past_baseline(self) -> bool:
        return (self.tolerance is not None and self.baseline is not None
                and self._worse(self.current, self.baseline) > self.tolerance)

    @property
    def breach(self) -> str | None:
        if self.past_threshold and self.past_baseline:
            return BreachKind.BOTH
        if self.past_threshold:
            return BreachKind.THRESHOLD
        if self.past_baseline:
            return BreachKind.BASELINE
        return None


def _threshold_in_force(field: str) -> Subquery:
    """`field` of the threshold for the outer row's model and metric: the model's own, else
    its risk tier's default (the model's own sorts first)."""
    candidates = (MetricThreshold.objects.filter(
        Q(model=OuterRef("model_version__model")) | Q(
            model__isnull=True, risk_tier=OuterRef("model_version__model__risk_tier")),
        metric=OuterRef("name"), active=True)
        .order_by(F("model").asc(nulls_last=True)).values(field)[:1])
    return Subquery(candidates)


def _baseline(baseline_days: int) -> Subquery:
    """Mean of the outer version's first `baseline_days` days of daily roll-ups."""
    first_day = (MetricRollup.objects.filter(
        granularity=Granularity.DAY, model_version=OuterRef(OuterRef("model_version")),
        name=OuterRef(OuterRef("name")))
        .order_by().values("model_version").annotate(first=Min("bucket_start")).values("first"))
    early = (MetricRollup.objects.filter(
        granularity=Granularity.DAY, model_version=OuterRef("model_version"),
        name=OuterRef("name"),
        bucket_start__lt=Subquery(first_day) + datetime.timedelta(days=baseline_days))
        .order_by().values("model_version")
        .annotate(mean=Cast(Sum("total"), FloatField()) / Cast(Sum("count"), FloatField()))
        .values("mean"))
    return Subquery(early, output_field=FloatField())


def degradation_evaluations(*, now: datetime.datetime | None = None) -> list[Evaluation]:
    """Every (version, metric) with recent roll-ups and a threshold in force — one query."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=settings.CUSTODIA_DEGRADATION_WINDOW_HOURS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner's cost estimate of the correlated subqueries triggers JIT
            # compilation, which costs ten times the query itself (benchmarks/metric_rollups.py).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _evaluations(since, now)


def _evaluations(since: datetime.datetime, now: datetime.datetime) -> list[Evaluation]:
    rows = (MetricRollup.objects
            .filter(granularity=Granularity.HOUR, bucket_start__gte=since, bucket_start__lte=now)
            .order_by().values("model_version", "name",
                               "model_version__model", "model_version__model__risk_tier")
            .annotate(current=Cast(Sum("total"), FloatField()) / Cast(Sum("count"), FloatField()),
                      observations=Sum("count"),
                      threshold_id=_threshold_in_force("pk"),
                      limit=_threshold_in_force("limit"),
                      direction=_threshold_in_force("direction"),
                      tolerance=_threshold_in_force("baseline_tolerance"),
                      baseline=_baseline(settings.CUSTODIA_DEGRADATION_BASELINE_DAYS))
            .filter(threshold_id__isnull=False))
    return [Evaluation(model_version_id=r["model_version"], metric=r["name"],
                       current=r["current"], observations=r["observations"],
                       threshold_id=r["threshold_id"], limit=r["limit"],
                       direction=r["direction"], tolerance=r["tolerance"],
                       baseline=r["baseline"]) for r in rows]


def degradation_run(*, now: datetime.datetime | None = None,
                    job_run: JobRun | None = None) -> dict[str, Any]:
    """Check every version once: open, refresh or resolve retraining alerts.

    Returns:
        opened, refreshed and resolved alert ids, how many evaluations were read, or
        `skipped` when another worker holds the job.
    """
    now = now or timezone.now()
    label = f"job:monitoring.degradation_check:{job_run.pk}" if job_run else ""
    with transaction.atomic(), audit_context(user=None, label=label,
                                             reason="Degradation check"):
        if job_lock(DEGRADATION_LOCK) is None:
            return {"skipped": "another worker is checking"}
        evaluations = degradation_evaluations(now=now)
        active = {(a.model_version_id, a.metric): a for a in
                  RetrainingAlert.objects.active().select_for_update()
                  .select_related("model_version__model")}
        new_breaches = {e.model_version_id for e in evaluations if e.breach is not None
                        and (e.model_version_id, e.metric) not in active}
        versions = ModelVersion.objects.select_related("model").in_bulk(new_breaches)
        opened, refreshed, resolved = [], [], []
        for evaluation in evaluations:
            key = (evaluation.model_version_id, evaluation.metric)
            alert = active.get(key)
            if evaluation.breach is None:
                if alert is not None:
                    _resolve(alert, evaluation, now)
                    resolved.append(alert.pk)
            elif alert is None:
                created = _open(evaluation, versions[evaluation.model_version_id], now)
                if created is not None:
                    opened.append(created.pk)
            else:
                _refresh(alert, evaluation, now)
                refreshed.append(alert.pk)
    return {"evaluated": len(evaluations), "opened": opened, "refreshed": refreshed,
            "resolved": resolved}


def _fields_from(evaluation: Evaluation) -> dict[str, Any]:
    return {"breach": evaluation.breach, "current_value": evaluation.current,
            "limit": evaluation.limit, "baseline": evaluation.baseline,
            "degradation": evaluation.degradation, "observations": evaluation.observations,
            "threshold_id": evaluation.threshold_id}


def _open(evaluation: Evaluation, version: ModelVersion,
          now: datetime.datetime) -> RetrainingAlert | None:
    from core.services.jobs import task_enqueue

    alert = RetrainingAlert(model_version=version, metric=evaluation.metric,
                            owner=version.model.owner, opened_at=now, last_seen_at=now,
                            **_fields_from(evaluation))
    alert.full_clean()
    alert._change_reason = f"Degradation check: {alert.explanation}"
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        return None  # another check opened it meanwhile
    task_enqueue(NOTIFY_TASK, alert_id=alert.pk)
    return alert


def _refresh(alert: RetrainingAlert, evaluation: Evaluation, now: datetime.datetime) -> None:
    for field, value in _fields_from(evaluation).items():
        setattr(alert, field, value)
    alert.last_seen_at = now
    alert._change_reason = f"Degradation check: still degraded. {alert.explanation}"
    alert.save()


def _resolve(alert: RetrainingAlert, evaluation: Evaluation, now: datetime.datetime) -> None:
    alert.status, alert.resolved_at, alert.last_seen_at = AlertStatus.RESOLVED, now, now
    alert.current_value, alert.observations = evaluation.current, evaluation.observations
    alert._change_reason = (f"Degradation check: {alert.metric} recovered "
                            f"(mean {evaluation.current:.4g}).")
    alert.save()


def retraining_alert_notify(*, alert_id: int) -> int:
    """E-mail an alert to the model's owner and steward; returns how many messages went."""
    from django.core.mail import send_mail

    alert = RetrainingAlert.objects.select_related(
        "model_version__model__owner", "model_version__model__steward").get(pk=alert_id)
    if alert.notified_at is not None:
        return 0  # already sent (a redelivered task)
    model = alert.model_version.model
    addresses = sorted({person.email for person in (model.owner, model.steward)
                        if person is not None and person.email})
    sent = 0
    if addresses:
        subject = f"[Custodia] Retraining alert: {alert.model_version} — {alert.metric} degraded"
        body = (f"{alert.explanation}\n\nMeasured over the last "
                f"{settings.CUSTODIA_DEGRADATION_WINDOW_HOURS} hours "
                f"({alert.observations} observations). Consider retraining this model; "
                f"acknowledge the alert in Custodia once someone is on it: "
                f"{alert.get_absolute_url()}")
        sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    alert.notified_at = timezone.now()
    alert._change_reason = f"Owner notified by e-mail ({sent} message(s))."
    alert.save(update_fields=["notified_at", "updated_at"])
    return sent


def retraining_alert_acknowledge(*, alert: RetrainingAlert, actor: AbstractBaseUser,
                                 reason: str, note: str = "") -> RetrainingAlert:
    """The owner (or anyone who may change alerts) says someone is on it.

    Raises:
        PermissionDenied: neither the model's owner, a member of its team, nor allowed to
            change alerts.
        ValidationError: the alert is already resolved or acknowledged.
    """
    model = alert.model_version.model
    is_team = model.team_id is not None and model.team.members.filter(pk=actor.pk).exists()
    if not (actor.pk == model.owner_id or is_team or user_can(actor, "change", alert)):
        raise PermissionDenied("Only the model's owner, its team or a monitoring manager may "
                               "acknowledge this alert.")
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        alert = RetrainingAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.status != AlertStatus.OPEN:
            raise ValidationError({"status": [
                f"This alert is {alert.get_status_display().split(' —')[0].lower()}; only an "
                "open alert can be acknowledged."]})
        alert.status, alert.note = AlertStatus.ACKNOWLEDGED, note or alert.note
        alert._change_reason = reason
        alert.save()
    return alert


def retraining_decay_signals(today: datetime.date) -> list[DecaySignal]:
    """Versions whose alert has been active for its threshold's `decay_after_days`: they
    feed the lifecycle's performance-decay trigger (one query)."""
    alerts = (RetrainingAlert.objects.filter(status__in=ACTIVE_ALERT_STATUSES,
                                             threshold__decay_after_days__isnull=False)
              .select_related("threshold"))
    signals = []
    for alert in alerts:
        since = timezone.localdate(alert.opened_at)
        if today >= since + datetime.timedelta(days=alert.threshold.decay_after_days):
            signals.append(DecaySignal(
                model_version_id=alert.model_version_id,
                reason=f"retraining alert #{alert.pk} open since {since}: {alert.explanation}"))
    return signals
