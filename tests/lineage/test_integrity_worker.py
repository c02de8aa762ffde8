"""Tampering with a held dataset's bytes is detected by the integrity
job run under a real Celery worker, and shows up as a finding (API included)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.choices import JobStatus
from core.models import JobRun
from core.schedules import SCHEDULES
from core.services.job_runs import job_run_submit
from lineage.models import IntegrityFinding
from lineage.tasks import REHASH_JOB
from tests.integration.conftest import wait_for, worker
from tests.lineage.test_integrity_services import held_dataset_version, tamper

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


def test_the_job_is_scheduled():
    assert any(task == REHASH_JOB for task, _every, _kwargs in SCHEDULES.values())


def test_tampered_held_dataset_found_by_the_job_on_a_real_worker(any_broker, artifact_root,
                                                                 platform_admin, api_client_for):
    version = held_dataset_version("applications")
    recorded = version.sha256
    tamper(version)

    with worker():
        run = job_run_submit(name=REHASH_JOB, parameters={"chunk_size": 10})
        finished = wait_for(lambda: _finished(run.pk), what="the integrity job to finish")

    assert finished.status == JobStatus.SUCCEEDED, finished.log
    assert finished.progress == 100
    assert finished.result == {"checked": 1, "mismatches": 1, "missing": 0, "purged": 0}
    finding = IntegrityFinding.objects.get()
    assert finding.dataset_version == version and finding.job_run == finished
    assert finding.history.get().history_actor == f"job:{REHASH_JOB}:{finished.pk}"
    version.refresh_from_db()
    assert version.sha256 == recorded

    answer = api_client_for(platform_admin).get(reverse("lineage-api:integrityfinding-list"),
                                                {"status": "open"})
    assert [f["id"] for f in answer.json()["results"]] == [finding.pk]
