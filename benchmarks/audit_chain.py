"""What the hash-chained audit log costs: CPU per governed write with and without chaining,
CPU of one append, and how fast `verify_audit_chain` walks a long chain (and in how much
memory).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench_audit \\
        .venv/bin/python benchmarks/audit_chain.py --writes 500 --entries 200000

The database named in DATABASE_URL is dropped, recreated and migrated first (PostgreSQL only).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

from _support import recreate_database, setup_django


def cpu_per_write(writes: int, *, chained: bool) -> tuple[float, float]:
    """CPU and wall milliseconds per `record_update` of one governed record."""
    from django.db.models.signals import post_save
    from simple_history.signals import post_create_historical_record

    from core.models import AccessEvent
    from core.services import audit_chain
    from core.services.records import record_create, record_update
    from inventory.models import Team

    if not chained:
        post_create_historical_record.disconnect(dispatch_uid="custodia-audit-chain-history")
        post_save.disconnect(sender=AccessEvent, dispatch_uid="custodia-audit-chain-access")
    try:
        label = "chained" if chained else "plain"
        team = record_create(model_class=Team, actor=None, reason="benchmark", data={
            "name": f"Bench {label}", "slug": f"bench-{label}", "business_unit": "Ops"})
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(writes):
            record_update(instance=team, actor=None, reason=f"benchmark {i}",
                          data={"business_unit": f"Ops {i}"})
        return ((time.process_time() - cpu) * 1000 / writes,
                (time.perf_counter() - wall) * 1000 / writes)
    finally:
        if not chained:
            audit_chain.connect()


def cpu_per_append(appends: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from core.services.audit_chain import PendingEntry, audit_append, canonical_json

    data = canonical_json({f"field_{n}": f"value {n}" for n in range(25)})
    cpu = time.process_time()
    for i in range(appends):
        with transaction.atomic():
            audit_append(PendingEntry(kind="access", action="view", occurred_at=timezone.now(),
                                      content_type_id=None, object_id=str(i), object_repr="x",
                                      actor="bench", user_id=None, reason="", source="",
                                      data=data))
    return (time.process_time() - cpu) * 1000 / appends


def fill(entries: int) -> None:
    """Append `entries` more entries in batches (through the chain service)."""
    from django.db import transaction
    from django.utils import timezone

    from core.services.audit_chain import PendingEntry, audit_append_many, canonical_json

    data = canonical_json({f"field_{n}": f"value {n}" for n in range(25)})
    batch = 5000
    for start in range(0, entries, batch):
        with transaction.atomic():
            audit_append_many([
                PendingEntry(kind="history", action="changed", occurred_at=timezone.now(),
                             content_type_id=None, object_id=str(start + n), object_repr="record",
                             actor="bench", user_id=None, reason="benchmark", source="", data=data)
                for n in range(min(batch, entries - start))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this benchmark may drop.")
    recreate_database(url)
    setup_django()

    plain = cpu_per_write(args.writes, chained=False)
    chained = cpu_per_write(args.writes, chained=True)
    print(f"governed write (record_update), {args.writes} writes:")
    print(f"  without the chain: {plain[0]:.2f} ms CPU, {plain[1]:.2f} ms wall")
    print(f"  with the chain:    {chained[0]:.2f} ms CPU, {chained[1]:.2f} ms wall")
    print(f"one append (PostgreSQL, one statement): {cpu_per_append(args.writes):.3f} ms CPU")

    from core.models import AuditEvent
    from core.services.audit_chain import audit_chain_verify

    started = time.perf_counter()
    fill(args.entries)
    total = AuditEvent.objects.count()
    print(f"filled {args.entries} entries in {time.perf_counter() - started:.1f} s")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = audit_chain_verify()
    seconds = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert report.intact and report.entries_checked == total, report
    print(f"verified {total} entries in {seconds:.1f} s ({total / seconds:,.0f} entries/s), "
          f"peak memory grew by {grown / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
