"""Copy-in on a real Celery worker: the API queues it, the worker copies and hashes the file
into held storage with progress on its JobRun, and the re-hash job then checks it."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from core.choices import JobStatus
from core.models import JobRun
from core.services.job_runs import job_run_submit
from core.storage import held_storage_name
from inventory.models import DatasetVersion
from lineage.models import IntegrityFinding
from lineage.tasks import REHASH_JOB
from tests.integration.conftest import (  # noqa: F401 (real brokers)
    any_broker,
    filesystem_broker,
    redis_broker,
    wait_for,
    worker,
)
from tests.inventory.held_support import (  # noqa: F401 (fixtures)
    held_dataset_version_fixture,
    held_fixture,
    owners_fixture,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CONTENT = b"id,income\n1,52000\n" * 2000  # a few chunks of the reader's progress


def _finished(run_id: int) -> JobRun | None:
    run = JobRun.objects.get(pk=run_id)
    return run if run.is_finished else None


@pytest.mark.usefixtures("any_broker")
def test_copy_in_then_rehash_on_a_real_worker(settings, held, owners, held_dataset_version,
                                              api_client_for):
    settings.CUSTODIA_MAX_UPLOAD_BYTES = 10 * len(CONTENT)
    source = held.source / "loans.csv"
    source.write_bytes(CONTENT)
    url = reverse("inventory-api:datasetversion-copy-in", args=[held_dataset_version.pk])
    answer = api_client_for(owners["alice"]).post(
        url, {"source": source.as_uri(), "change_reason": "Nightly export"}, format="json")
    assert answer.status_code == 202, answer.content

    with worker():
        copied = wait_for(lambda: _finished(answer.json()["jobRunId"]), what="the copy-in")
        assert copied.status == JobStatus.SUCCEEDED, copied.log
        rehash = job_run_submit(name=REHASH_JOB)
        checked = wait_for(lambda: _finished(rehash.pk), what="the re-hash")

    version = DatasetVersion.objects.get(pk=held_dataset_version.pk)
    assert version.sha256 == hashlib.sha256(CONTENT).hexdigest() == copied.result["sha256"]
    assert (held.root / held_storage_name(version.uri)).read_bytes() == CONTENT
    assert copied.progress == 100 and "bytes copied" in copied.log
    assert version.history.first().history_change_reason == "Nightly export"
    assert checked.result == {"checked": 1, "mismatches": 0, "missing": 0, "purged": 0}
    assert not IntegrityFinding.objects.exists()
