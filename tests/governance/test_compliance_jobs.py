"""The scheduled full recompute: declared in the schedules, run by a real Celery worker,
idempotent, and shared by two runs at once without writing a status twice (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from core.choices import JobStatus
from core.models import JobRun, OutboxMessage
from core.schedules import SCHEDULES
from core.services.job_runs import job_run_submit
from governance.models import ComplianceAssessment, RegulatoryFramework
from governance.services.compliance import RECOMPUTE_JOB, compliance_recompute
from governance.services.regulations import regulations_load
from inventory.models import MLModel
from tests.factories.catalogue import MLModelFactory
from tests.governance.test_compliance_services import eu_credit_model
from tests.integration.conftest import (  # noqa: F401  (real brokers for the worker test)
    any_broker,
    filesystem_broker,
    redis_broker,
    wait_for,
    worker,
)
from tests.services import has_postgresql, require

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def test_the_full_recompute_is_scheduled():
    assert any(task == RECOMPUTE_JOB for task, _every, _kwargs in SCHEDULES.values())


@pytest.mark.usefixtures("any_broker")
def test_the_job_recomputes_every_model_on_a_real_worker_and_again_writes_nothing():
    regulations_load()
    model, _ = eu_credit_model()
    MLModelFactory(name="another-model")
    # Statuses written by the receivers, and the recompute the loader queued, are
    # forgotten: the job under test must rebuild everything itself.
    ComplianceAssessment.objects.all().delete()
    OutboxMessage.objects.filter(task_name=RECOMPUTE_JOB).delete()
    JobRun.objects.filter(name=RECOMPUTE_JOB).delete()
    frameworks = RegulatoryFramework.objects.count()

    with worker():
        first_run = job_run_submit(name=RECOMPUTE_JOB)
        first = wait_for(lambda: _finished(first_run.pk), what="the recompute job to finish")
        second_run = job_run_submit(name=RECOMPUTE_JOB)
        second = wait_for(lambda: _finished(second_run.pk), what="the second run")

    assert first.status == JobStatus.SUCCEEDED, first.log
    assert first.result["models"] == 2 and first.result["written"] == 2 * frameworks
    assert first.progress == 100
    assert second.status == JobStatus.SUCCEEDED and second.result["written"] == 0
    gdpr = ComplianceAssessment.objects.get(model=model, framework__code="gdpr", is_current=True)
    assert gdpr.status == "gap" and gdpr.job_run == first


def test_two_runs_at_once_never_write_a_status_twice():
    require("postgresql", has_postgresql())
    regulations_load()
    for index in range(4):
        MLModelFactory(name=f"parallel-model-{index}")
    ComplianceAssessment.objects.all().delete()
    held = list(MLModel.objects.order_by("pk").values_list("pk", flat=True)[:2])
    locked, release = threading.Event(), threading.Event()

    def other_run() -> None:
        try:
            with transaction.atomic():
                list(MLModel.objects.select_for_update().filter(pk__in=held))
                locked.set()
                release.wait(20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(10)
        summary = compliance_recompute(trigger="scheduled", batch_size=10)  # skips, never waits
    finally:
        release.set()
        thread.join(10)
    assert (summary["models"], summary["skipped_locked"]) == (2, 2)
    assert not ComplianceAssessment.objects.filter(model_id__in=held).exists()
    compliance_recompute(trigger="next run")
    per_pair = ComplianceAssessment.objects.filter(is_current=True).values_list(
        "model_id", "framework_id")
    assert len(per_pair) == len(set(per_pair)) == 4 * RegulatoryFramework.objects.count()
