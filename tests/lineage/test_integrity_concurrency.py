"""Two workers re-hashing at once share the rows instead of waiting or hashing twice
(`select_for_update(skip_locked=True)`; PostgreSQL, where row locks exist)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from lineage.models import IntegrityCheck
from lineage.services.integrity import held_artifacts_rehash, integrity_checks_ensure
from tests.lineage.test_integrity_services import held_dataset_version
from tests.services import has_postgresql, require

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_rows_another_worker_holds_are_skipped_not_waited_for(artifact_root):
    require("postgresql", has_postgresql())
    for index in range(4):
        held_dataset_version(f"d{index}", content=f"rows {index}".encode())
    integrity_checks_ensure()
    held_ids = list(IntegrityCheck.objects.order_by("id").values_list("id", flat=True)[:2])
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(IntegrityCheck.objects.select_for_update().filter(id__in=held_ids))
                locked.set()
                release.wait(20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        summary = held_artifacts_rehash(chunk_size=1)  # would block here without skip_locked
    finally:
        release.set()
        thread.join(10)
    assert summary["checked"] == 2
    unchecked = set(IntegrityCheck.objects.filter(last_checked_at__isnull=True)
                    .values_list("id", flat=True))
    assert unchecked == set(held_ids)
    assert connection.vendor == "postgresql"
