"""Deprecation and archival triggers: notice first, change after, idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from core.audit import audit_context
from core.models import OutboxMessage
from inventory.choices import ModelStage, NoticeStatus, TriggerKind
from inventory.models import DeprecationNotice, ModelVersion, WebhookDelivery
from inventory.services.deprecation import deprecation_notice_send, deprecation_run
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import (
    DeprecationNoticeFactory,
    DeprecationRuleFactory,
    DeprecationScheduleFactory,
    MetricObservationFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
JOB = "job:inventory.deprecation_triggers:7"


def production_version(**model_fields) -> ModelVersion:
    return ModelVersionFactory(model=MLModelFactory(stage=ModelStage.PRODUCTION, **model_fields),
                               stage=ModelStage.PRODUCTION)


def observe(version, *values: float, metric: str = "auc") -> None:
    start = timezone.now() - datetime.timedelta(hours=len(values))
    for index, value in enumerate(values):
        MetricObservationFactory(model_version=version, name=metric, value=value,
                                 observed_at=start + datetime.timedelta(hours=index))


def run(today: datetime.date, **kwargs) -> dict:
    with audit_context(label=JOB, reason="Scheduled job inventory.deprecation_triggers"):
        return deprecation_run(today=today, **kwargs)


def test_decay_notifies_owners_first_then_deprecates_after_the_notice(django_capture_on_commit_callbacks):
    owner = UserFactory(username="owner-a", email="owner-a@example.org")
    version = production_version(owner=owner)
    DeprecationRuleFactory(metric="auc", threshold=0.7, consecutive=3, notice_days=14)
    observe(version, 0.9, 0.65, 0.6, 0.55)

    with django_capture_on_commit_callbacks():
        first = run(TODAY)

    assert [n["model_version"] for n in first["notified"]] == [version.pk]
    assert first["applied"] == []
    notice = DeprecationNotice.objects.get()
    assert (notice.trigger, notice.target_stage, notice.effective_on, notice.status) == (
        TriggerKind.PERFORMANCE_DECAY, ModelStage.DEPRECATED, TODAY + datetime.timedelta(days=14),
        NoticeStatus.NOTIFIED)
    assert notice.recipients == [{"username": "owner-a", "email": "owner-a@example.org"}]
    assert "auc below 0.7 in 3 consecutive" in notice.reason
    assert OutboxMessage.objects.filter(task_name="inventory.deprecation_notify",
                                        kwargs__notice_id=notice.pk).exists()
    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION, "owners are notified before any change"

    again = run(TODAY + datetime.timedelta(days=3))
    assert (again["notified"], again["applied"], again["cancelled"]) == ([], [], [])

    due = run(TODAY + datetime.timedelta(days=14))
    assert [a["model_version"] for a in due["applied"]] == [version.pk]
    version.refresh_from_db()
    assert version.stage == ModelStage.DEPRECATED
    row = version.history.first()
    assert row.history_actor == JOB
    assert row.history_change_reason.startswith("Automatic deprecated: Performance decay")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPLIED

    history = ModelVersion.history.count()
    last = run(TODAY + datetime.timedelta(days=15))
    assert (last["notified"], last["applied"], last["refused"], last["cancelled"]) == (
        [], [], [], [])
    assert ModelVersion.history.count() == history


def test_decay_needs_n_consecutive_breaches():
    version = production_version()
    DeprecationRuleFactory(metric="auc", threshold=0.7, consecutive=3)
    observe(version, 0.6, 0.6, 0.75)  # the latest is fine
    observe(production_version(), 0.6, 0.6)  # only two observations
    assert run(TODAY)["notified"] == []


def test_metric_recovery_cancels_the_open_notice():
    version = production_version()
    DeprecationRuleFactory(metric="auc", threshold=0.7, consecutive=2)
    observe(version, 0.6, 0.6)
    run(TODAY)
    observe(version, 0.8)

    report = run(TODAY + datetime.timedelta(days=20))

    assert report["applied"] == [] and len(report["cancelled"]) == 1
    assert DeprecationNotice.objects.get().status == NoticeStatus.CANCELLED
    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION


def test_dry_run_reports_and_writes_nothing():
    version = production_version()
    DeprecationScheduleFactory(model_version=version, deprecate_on=TODAY, notice_days=0)

    report = run(TODAY, dry_run=True)

    assert [f["model_version"] for f in report["would_notify"]] == [version.pk]
    assert report["would_apply"] == [] and "notified" not in report
    assert not DeprecationNotice.objects.exists() and not OutboxMessage.objects.exists()

    run(TODAY)
    assert [f["model_version"] for f in run(TODAY, dry_run=True)["would_apply"]] == [version.pk]
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.PRODUCTION


def test_regulatory_expiry_deprecates_on_the_expiry_date():
    version = production_version()
    expiry = TODAY + datetime.timedelta(days=10)
    DeprecationScheduleFactory(model_version=version, validation_expires_on=expiry,
                               approval_expires_on=expiry + datetime.timedelta(days=30),
                               notice_days=14)

    notified = run(TODAY)["notified"]
    assert [(n["trigger"], n["effective_on"]) for n in notified] == [
        (TriggerKind.REGULATORY_EXPIRY, (TODAY + datetime.timedelta(days=14)).isoformat())]
    assert "validation of this version expires" in notified[0]["reason"]
    assert run(TODAY + datetime.timedelta(days=14))["applied"]
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.DEPRECATED


def test_schedule_waits_until_the_notice_window_opens():
    version = production_version()
    DeprecationScheduleFactory(model_version=version, deprecate_on=TODAY + datetime.timedelta(days=30),
                               notice_days=14)
    assert run(TODAY)["notified"] == []
    assert run(TODAY + datetime.timedelta(days=16))["notified"]
    assert run(TODAY + datetime.timedelta(days=30))["applied"]


def test_planned_archival_of_a_deprecated_version():
    version = ModelVersionFactory(stage=ModelStage.DEPRECATED)
    DeprecationScheduleFactory(model_version=version, archive_on=TODAY, notice_days=0)
    assert run(TODAY)["notified"]
    applied = run(TODAY)["applied"]
    assert [a["target_stage"] for a in applied] == [ModelStage.ARCHIVED]
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.ARCHIVED


def test_only_moves_the_state_machine_allows():
    """A staging version is never "deprecated" by a trigger: only production versions are."""
    version = ModelVersionFactory(stage=ModelStage.STAGING)
    DeprecationRuleFactory(metric="auc", threshold=0.7, consecutive=1)
    observe(version, 0.1)
    DeprecationScheduleFactory(model_version=ModelVersionFactory(stage=ModelStage.REGISTERED),
                               deprecate_on=TODAY, notice_days=0)
    assert run(TODAY)["notified"] == []


def test_one_open_notice_per_version_trigger_and_target():
    notice = DeprecationNoticeFactory()
    with pytest.raises(IntegrityError):
        DeprecationNoticeFactory(model_version=notice.model_version)


def test_notice_is_emailed_and_sent_to_webhooks(django_capture_on_commit_callbacks):
    WebhookFactory(events=["model_version.deprecation_notice"])
    owner = UserFactory(username="owner-b", email="owner-b@example.org")
    steward = UserFactory(username="steward-b", email="steward-b@example.org")
    version = production_version(owner=owner, steward=steward)
    DeprecationScheduleFactory(model_version=version, deprecate_on=TODAY, notice_days=0)

    run(TODAY)
    notice = DeprecationNotice.objects.get()
    assert deprecation_notice_send(notice_id=notice.pk) == 1
    assert sorted(mail.outbox[0].to) == ["owner-b@example.org", "steward-b@example.org"]
    assert str(version) in mail.outbox[0].subject
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "model_version.deprecation_notice"
    assert delivery.payload["data"]["model_version"]["id"] == version.pk
