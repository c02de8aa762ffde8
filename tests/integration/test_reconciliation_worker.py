"""Reconciliation under a real Celery worker: started as a job (the run-now path), it finds
each planted unauthorised, orphaned and stale model; a second run adds no duplicate; a
fixed problem's finding closes. The job run records progress and a log."""

from __future__ import annotations

import pytest

from core.choices import JobStatus
from core.models import JobRun
from governance.choices import FindingStatus
from governance.models import Finding
from governance.services.reconciliation import reconciliation_submit
from inventory.services.catalogue import mlmodel_review_record
from tests.governance.reality import expected_keys, plant, stores_fixture  # noqa: F401
from tests.integration.conftest import wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def _run_on_worker(actor) -> JobRun:
    run = reconciliation_submit(actor=actor, reason="Integration test")
    finished = wait_for(lambda: _finished(run.pk), timeout=60, what="the reconciliation job")
    assert finished.status == JobStatus.SUCCEEDED, finished.log
    return finished


def test_reconciliation_on_a_worker_finds_plants_never_duplicates_and_closes_fixed(
        redis_broker, stores, compliance_officer) -> None:
    held, folder = stores
    reality = plant(held_root=held, folder=folder, reporter=compliance_officer)
    keys = expected_keys(reality)

    with worker():
        first = _run_on_worker(compliance_officer)
        found = {f.key: f for f in Finding.objects.all()}
        assert set(found) == set(keys.values())
        assert found[keys["orphaned"]].kind == "orphaned"
        assert found[keys["stale"]].kind == "stale"
        assert found[keys["unregistered running"]].kind == "unauthorised"
        assert all(f.last_run_id == first.pk for f in found.values())
        assert first.progress == 100 and "Reviews: 1 problem(s)" in first.log
        assert first.result["opened"] == len(keys)
        # Written by the job: the history names it.
        assert found[keys["stale"]].history.get().history_actor.endswith(
            f"(job:governance.reconcile:{first.pk})")

        second = _run_on_worker(compliance_officer)
        assert Finding.objects.count() == len(keys)
        assert second.result["opened"] == 0 and second.result["unchanged"] == len(keys)

        mlmodel_review_record(model=reality.stale, actor=compliance_officer,
                              reason="Reviewed: fit for purpose")
        third = _run_on_worker(compliance_officer)

    assert third.result["closed"] == 1
    stale = Finding.objects.get(key=keys["stale"])
    assert stale.status == FindingStatus.CLOSED and stale.last_run_id == third.pk
    assert Finding.objects.filter(status=FindingStatus.OPEN).count() == len(keys) - 1
    assert Finding.objects.count() == len(keys)
