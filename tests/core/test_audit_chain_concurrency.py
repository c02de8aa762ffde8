"""Concurrent writers keep one intact chain: two separate processes (each its own Python and
database connection, as two web workers or a worker and a web process are), released at the
same instant, create, change and read records and write in bulk into the same chain on
PostgreSQL. The chain must come out gap-free, interleaved and verifiable."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.models import AuditEvent
from core.services.audit_chain import audit_chain_verify
from tests.services import has_postgresql, require

ROUNDS = 25
# Each round: a create, an access event, a change (3 entries), and every fifth round a bulk
# create of two records (2 entries) through the other append path.
ENTRIES_PER_PROCESS = ROUNDS * 3 + (ROUNDS // 5) * 2

WRITER = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from core.audit import audit_context
from core.models.governed import bulk_create_audited
from core.services.audit import access_event_record
from core.services.records import record_create, record_update
from inventory.models import Team

tag, rounds, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
while time.time() < start:
    time.sleep(0.002)
with audit_context(label=f"process:{tag}"):
    for i in range(rounds):
        team = record_create(model_class=Team, actor=None, reason=f"{tag} create {i}", data={
            "name": f"{tag} team {i}", "slug": f"{tag}-team-{i}", "business_unit": "Ops"})
        access_event_record(action="view", obj=team)
        record_update(instance=team, actor=None, reason=f"{tag} change {i}",
                      data={"business_unit": "Risk"})
        if i % 5 == 4:
            bulk_create_audited(Team, [Team(name=f"{tag} bulk {i}-{n}", slug=f"{tag}-bulk-{i}-{n}",
                                            business_unit="Ops") for n in range(2)],
                                actor=None, reason=f"{tag} bulk {i}")
"""


def _test_database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_at_once_leave_a_chain_that_verifies():
    require("postgresql", has_postgresql())
    environment = {**os.environ, "DATABASE_URL": _test_database_url()}
    root = Path(__file__).resolve().parents[2]
    start = time.time() + 6  # both are set up and waiting by then
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, tag, str(ROUNDS), str(start)],
                                cwd=root, env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
               for tag in ("alpha", "beta")]
    for writer in writers:
        _, errors = writer.communicate(timeout=180)
        assert writer.returncode == 0, errors[-3000:]

    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * ENTRIES_PER_PROCESS + 1))
    actors = list(AuditEvent.objects.order_by("seq").values_list("actor", flat=True))
    assert set(actors) == {"process:alpha", "process:beta"}
    switches = sum(1 for before, after in itertools.pairwise(actors) if before != after)
    assert switches > 4, "the two processes did not write at the same time"
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.entries_checked == 2 * ENTRIES_PER_PROCESS
