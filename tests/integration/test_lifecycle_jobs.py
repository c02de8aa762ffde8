"""The lifecycle's scheduled jobs on a real Celery worker: the deprecation triggers and the retention
purge run twice in a row with the same result (the second changes nothing), and a webhook is
delivered, refused with a 500, retried and logged, all through the outbox."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

from core.choices import JobStatus
from core.models import JobRun, OutboxMessage
from core.services.job_runs import job_run_submit
from inventory.choices import DeliveryStatus, ModelStage, NoticeStatus
from inventory.models import DeprecationNotice, ModelVersion, PurgeRecord, WebhookDelivery
from inventory.services.deprecation import deprecation_run
from inventory.services.integrations import webhook_event_emit
from inventory.services.retention import retention_purge
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import (
    DeprecationScheduleFactory,
    RetentionPolicyFactory,
    WebhookFactory,
)
from tests.integration.conftest import wait_for, worker
from tests.services import has_postgresql, require
from tests.webhook_receiver import webhook_receiver

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def run_job(name: str, **parameters) -> JobRun:
    run = job_run_submit(name=name, parameters=parameters)
    finished = wait_for(lambda: _finished(run.pk), what=f"{name} to finish")
    assert finished.status == JobStatus.SUCCEEDED, finished.log
    return finished


def _state() -> tuple:
    """Everything the jobs could change, to compare before and after a second run."""
    return (list(ModelVersion.objects.order_by("pk").values_list("pk", "stage")),
            ModelVersion.history.count(),
            list(DeprecationNotice.objects.order_by("pk").values_list("pk", "status")),
            list(PurgeRecord.objects.order_by("pk").values_list("pk", "storage_name")))


def test_deprecation_triggers_twice_on_a_worker(any_broker: str) -> None:
    today = timezone.localdate()
    version = ModelVersionFactory(model=MLModelFactory(stage=ModelStage.PRODUCTION),
                                  stage=ModelStage.PRODUCTION)
    DeprecationScheduleFactory(model_version=version, deprecate_on=today, notice_days=14)
    later = (today + datetime.timedelta(days=14)).isoformat()

    with worker():
        dry = run_job("inventory.deprecation_triggers", dry_run=True)
        assert [f["model_version"] for f in dry.result["would_notify"]] == [version.pk]
        assert not DeprecationNotice.objects.exists()

        first = run_job("inventory.deprecation_triggers")
        assert [n["model_version"] for n in first.result["notified"]] == [version.pk]
        notify = wait_for(lambda: JobRun.objects.filter(name="inventory.deprecation_notify",
                                                        status=JobStatus.SUCCEEDED).first(),
                          what="the owners' notification job")
        assert notify.result["notice"] == DeprecationNotice.objects.get().pk
        before = _state()
        second = run_job("inventory.deprecation_triggers")
        assert (second.result["notified"], second.result["applied"]) == ([], [])
        assert _state() == before, "a second run the same day changes nothing"

        applied = run_job("inventory.deprecation_triggers", today=later)
        assert [a["model_version"] for a in applied.result["applied"]] == [version.pk]
        after = _state()
        again = run_job("inventory.deprecation_triggers", today=later)
        assert (again.result["notified"], again.result["applied"]) == ([], [])
        assert _state() == after

    version.refresh_from_db()
    assert version.stage == ModelStage.DEPRECATED
    row = version.history.first()
    assert row.history_actor == f"job:inventory.deprecation_triggers:{applied.pk}"
    assert "Planned deprecation" in row.history_change_reason
    assert DeprecationNotice.objects.get().status == NoticeStatus.APPLIED


def test_retention_purge_twice_on_a_worker(any_broker: str, settings,
                                           tmp_path: Path) -> None:
    root = tmp_path / "artifacts"
    settings.STORAGES = {**settings.STORAGES, **{key: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}} for key in ("default", "held")}}
    RetentionPolicyFactory(retain_days=365)
    name = default_storage.save("models/old.bin", ContentFile(b"weights"))
    version = ModelVersionFactory(stage=ModelStage.RETIRED, artifact_uri=f"custodia://{name}")
    ModelVersion.history.filter(id=version.pk).update(
        history_date=timezone.now() - datetime.timedelta(days=800))

    with worker():
        first = run_job("inventory.retention_purge")
        before = _state()
        second = run_job("inventory.retention_purge")

    assert [p["object_id"] for p in first.result["purged"]] == [version.pk]
    assert second.result["purged"] == [] and second.result["bytes_freed"] == 0
    assert _state() == before
    assert not (root / "models/old.bin").exists()
    record = PurgeRecord.objects.get()
    assert record.job_run_id == first.pk
    assert record.actor == f"job:inventory.retention_purge:{first.pk}"


def test_webhook_retried_after_500_through_the_worker(filesystem_broker: str, settings) -> None:
    secret = "integration-shared-secret-0123"
    settings.CUSTODIA_WEBHOOK_BACKOFF_SECONDS = 3600
    with webhook_receiver(secret, statuses=[500]) as receiver, worker():
        WebhookFactory(url=receiver.url, secret=secret)
        delivery = webhook_event_emit(event="model_version.registered", data={"id": 9})[0]
        wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status
                 == DeliveryStatus.RETRYING, what="the first, refused attempt")
        assert run_job("inventory.webhook_retry_due").result == {"queued": 0}, "back-off"

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert run_job("inventory.webhook_retry_due").result == {"queued": 1}
        wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status
                 == DeliveryStatus.SUCCEEDED, what="the retry to succeed")

    delivery.refresh_from_db()
    assert list(delivery.attempt_log.values_list("number", "response_status")) == [
        (1, 500), (2, 200)]
    assert [r.signature_valid for r in receiver.requests] == [True, True]
    assert receiver.requests[0].body == receiver.requests[1].body


def _at_once(work, count: int = 2) -> list:
    """Run `work()` in `count` threads released together (each its own DB connection)."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_workers_at_once_notify_and_purge_once(settings, tmp_path: Path) -> None:
    """Concurrent runs (PostgreSQL row locks, skip_locked): one notice per version, one
    purge record per file, nothing done twice."""
    require("postgresql", has_postgresql())
    today = timezone.localdate()
    versions = [ModelVersionFactory(model=MLModelFactory(stage=ModelStage.PRODUCTION),
                                    stage=ModelStage.PRODUCTION) for _ in range(6)]
    for version in versions:
        DeprecationScheduleFactory(model_version=version, deprecate_on=today, notice_days=7)

    reports = _at_once(lambda: deprecation_run(today=today))

    assert sorted(n["model_version"] for r in reports for n in r["notified"]) == sorted(
        v.pk for v in versions)
    assert DeprecationNotice.objects.count() == len(versions)
    assert OutboxMessage.objects.filter(task_name="inventory.deprecation_notify").count() == 6

    settings.STORAGES = {**settings.STORAGES, **{key: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "artifacts")}} for key in ("default", "held")}}
    RetentionPolicyFactory(retain_days=0, stage=ModelStage.RETIRED)
    for index in range(6):
        name = default_storage.save(f"models/{index}.bin", ContentFile(b"w"))
        ModelVersionFactory(stage=ModelStage.RETIRED, artifact_uri=f"custodia://{name}")

    reports = _at_once(retention_purge)

    assert sum(len(r["purged"]) for r in reports) == 6
    assert PurgeRecord.objects.count() == 6
