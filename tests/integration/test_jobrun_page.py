"""The job-run page follows a real run: it polls with htmx while running, shows progress, stops when done."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from core.choices import JobStatus
from core.jobs import JobContext, custodia_job
from core.models import JobRun
from core.services.job_runs import job_run_submit
from tests.integration.conftest import wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

_proceed = threading.Event()


@custodia_job("tests.integration.two_steps")
def two_steps(job: JobContext) -> dict:
    """Test-only job: reports progress, then waits until the test has looked at the page."""
    job.progress(40, "first half done")
    if not _proceed.wait(timeout=20):
        raise TimeoutError("the test never let the job finish")
    job.progress(90, "second half done")
    return {"steps": 2}


def _page(client, run: JobRun, *, htmx: bool = False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("core:jobrun_detail", args=[run.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_page_polls_while_running_and_stops_when_finished(client, auditor, filesystem_broker) -> None:
    client.force_login(auditor)
    _proceed.clear()
    with worker():
        run = job_run_submit(name="tests.integration.two_steps")
        wait_for(lambda: JobRun.objects.get(pk=run.pk).progress == 40, what="the first step")

        page = _page(client, run)
        assert 'hx-trigger="every 2s"' in page
        assert "Running" in page and "40 %" in page and "first half done" in page
        fragment = _page(client, run, htmx=True)
        assert "<html" not in fragment and 'hx-trigger="every 2s"' in fragment

        _proceed.set()
        wait_for(lambda: JobRun.objects.get(pk=run.pk).is_finished, what="the job to finish")

    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.log
    for page in (_page(client, run), _page(client, run, htmx=True)):
        assert "hx-trigger" not in page.split('id="job-progress"', 1)[1].split(">", 1)[0]
        assert "hx-get" not in page.split('id="job-progress"', 1)[1].split(">", 1)[0]
        assert "Succeeded" in page and "100 %" in page and "second half done" in page
