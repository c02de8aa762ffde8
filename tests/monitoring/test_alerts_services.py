"""Degradation: one query per run finds every version past its threshold (its model's own,
else its risk tier's default) or its own baseline; an alert goes to the owner in the app
and by e-mail, resolves itself on recovery, and feeds the lifecycle's decay trigger."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models.governed import update_audited
from inventory.choices import ModelStage, NoticeStatus, RiskTier, TriggerKind
from inventory.models import DeprecationNotice
from inventory.services.deprecation import deprecation_run
from monitoring.choices import AlertStatus, BreachKind, Granularity
from monitoring.models import MetricThreshold, RetrainingAlert
from monitoring.services.alerts import (
    degradation_evaluations,
    degradation_run,
    retraining_alert_acknowledge,
    retraining_alert_notify,
)
from monitoring.services.thresholds import metric_threshold_update
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.metrics import MetricRollupFactory, MetricThresholdFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(minute=0, second=0, microsecond=0)


def history(version, name, *, baseline: float, recent: float, days: int = 20,
            per_bucket: int = 10):
    """Daily roll-ups from `days` days ago (the first 7 at `baseline`, then `recent`) and
    the last 24 hourly roll-ups at `recent`."""
    for day in range(days, 0, -1):
        value = baseline if day > days - 7 else recent
        MetricRollupFactory(model_version=version, name=name, granularity=Granularity.DAY,
                            bucket_start=(NOW - datetime.timedelta(days=day)).replace(hour=0),
                            count=per_bucket, total=value * per_bucket, minimum=value,
                            maximum=value)
    for hour in range(1, 25):
        MetricRollupFactory(model_version=version, name=name, granularity=Granularity.HOUR,
                            bucket_start=NOW - datetime.timedelta(hours=hour),
                            count=per_bucket, total=recent * per_bucket, minimum=recent,
                            maximum=recent)


def test_the_threshold_in_force_is_the_models_own_else_its_tiers(credit):
    version = credit["version"]  # risk tier high: the shipped default for auc is 0.70
    history(version, "auc", baseline=0.80, recent=0.72)
    [evaluation] = degradation_evaluations(now=NOW)
    assert (evaluation.limit, evaluation.baseline) == (0.70, pytest.approx(0.80))
    assert evaluation.current == pytest.approx(0.72)
    assert evaluation.breach == BreachKind.BASELINE  # 10 % worse; the high tier allows 5 %
    MetricThresholdFactory(model=credit["model"], metric="auc", limit=0.75,
                           baseline_tolerance=None)
    [evaluation] = degradation_evaluations(now=NOW)
    assert (evaluation.limit, evaluation.tolerance, evaluation.breach) == (
        0.75, None, BreachKind.THRESHOLD)


def test_one_query_per_run_whatever_the_number_of_versions(credit,
                                                           django_assert_max_num_queries):
    for _ in range(4):
        version = ModelVersionFactory(model=MLModelFactory(risk_tier=RiskTier.CRITICAL),
                                      stage=ModelStage.PRODUCTION)
        history(version, "auc", baseline=0.9, recent=0.6, days=9, per_bucket=2)
    with django_assert_max_num_queries(5) as run:
        evaluations = degradation_evaluations(now=NOW)
    # One SELECT; the rest is the transaction and, on PostgreSQL, `SET LOCAL jit = off`.
    selects = [q for q in run.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert len(evaluations) == 4 and all(e.breach == BreachKind.BOTH for e in evaluations)


def test_a_breach_opens_an_alert_for_the_owner_and_emails_them(credit, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    report = degradation_run(now=NOW)
    [alert] = RetrainingAlert.objects.all()
    assert report["opened"] == [alert.pk]
    assert (alert.owner, alert.status, alert.breach) == (
        credit["owner"], AlertStatus.OPEN, BreachKind.BOTH)
    assert alert.degradation == pytest.approx(0.1875)
    assert "below its threshold of 0.7" in alert.explanation
    row = alert.history.first()
    assert row.history_type == "+" and "Degradation check" in row.history_change_reason
    assert retraining_alert_notify(alert_id=alert.pk) == 1
    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert "credit-default-xgb" in message.subject and "auc" in message.subject
    assert retraining_alert_notify(alert_id=alert.pk) == 0  # a redelivered task sends nothing


def test_a_second_run_refreshes_and_a_recovery_resolves(credit):
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    degradation_run(now=NOW)
    report = degradation_run(now=NOW)
    assert (report["opened"], len(report["refreshed"])) == ([], 1)
    assert RetrainingAlert.objects.count() == 1
    from monitoring.models import MetricRollup
    MetricRollup.objects.filter(granularity=Granularity.HOUR).update(total=8.1)  # mean 0.81
    report = degradation_run(now=NOW)
    alert = RetrainingAlert.objects.get()
    assert report["resolved"] == [alert.pk]
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_at is not None


def test_within_bounds_raises_nothing(credit):
    history(credit["version"], "auc", baseline=0.80, recent=0.79)
    assert degradation_run(now=NOW)["opened"] == []


def test_a_metric_without_threshold_is_not_checked(credit):
    history(credit["version"], "f1", baseline=0.8, recent=0.1)
    assert degradation_evaluations(now=NOW) == []


def test_an_inactive_threshold_is_skipped(credit):
    for threshold in MetricThreshold.objects.filter(metric="auc"):
        metric_threshold_update(threshold=threshold, actor=None, reason="Paused",
                                data={"active": False})
    history(credit["version"], "auc", baseline=0.80, recent=0.1)
    assert degradation_evaluations(now=NOW) == []


def test_the_owner_acknowledges_and_outsiders_may_not(credit):
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    degradation_run(now=NOW)
    alert = RetrainingAlert.objects.get()
    with pytest.raises(PermissionDenied):
        retraining_alert_acknowledge(alert=alert, actor=credit["outsider"], reason="Mine now")
    alert = retraining_alert_acknowledge(alert=alert, actor=credit["owner"], reason="On it",
                                         note="Retraining on Q1 data")
    assert (alert.status, alert.note) == (AlertStatus.ACKNOWLEDGED, "Retraining on Q1 data")
    assert alert.history.first().history_user == credit["owner"]
    with pytest.raises(ValidationError):
        retraining_alert_acknowledge(alert=alert, actor=credit["owner"], reason="Again")


def test_acknowledge_through_the_api(credit, api_client_for):
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    degradation_run(now=NOW)
    alert = RetrainingAlert.objects.get()
    url = reverse("monitoring-api:retrainingalert-acknowledge", args=[alert.pk])
    assert api_client_for(credit["outsider"]).post(url, {}, format="json").status_code == 403
    response = api_client_for(credit["owner"]).post(url, {"note": "On it"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    again = api_client_for(credit["owner"]).post(url, {}, format="json")
    assert again.status_code == 400 and "status" in again.json()["error"]["fields"]


def test_an_alert_open_long_enough_feeds_the_decay_trigger(credit):
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    degradation_run(now=NOW)
    # Opened 15 days ago: past the high tier's 14 days.
    update_audited(RetrainingAlert.objects.all(), reason="Back-dated for the test",
                   opened_at=NOW - datetime.timedelta(days=15))
    today = timezone.localdate()
    report = deprecation_run(today=today)
    [notified] = report["notified"]
    assert notified["model_version"] == credit["version"].pk
    assert notified["trigger"] == TriggerKind.PERFORMANCE_DECAY
    assert "retraining alert" in notified["reason"]
    # Recovery resolves the alert, and the next lifecycle run cancels the notice.
    update_audited(RetrainingAlert.objects.all(), reason="Recovered",
                   status=AlertStatus.RESOLVED)
    deprecation_run(today=today)
    assert DeprecationNotice.objects.get().status == NoticeStatus.CANCELLED


def test_a_young_alert_does_not_feed_the_decay_trigger(credit):
    history(credit["version"], "auc", baseline=0.80, recent=0.65)
    degradation_run(now=NOW)
    assert deprecation_run(today=timezone.localdate())["notified"] == []
