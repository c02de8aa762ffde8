"""Reconciliation of 100,000 models in one run (the governance reconciliation job).

Seeds PostgreSQL with an inventory shaped like a large organisation's: 100,000 models with
one version each, half of them deployed, a third reporting metrics, a serving-platform
listing of 50,000 endpoints (1,000 of them unregistered), 2,000 held artefact files (200
unregistered), owners of whom some have left, and reviews of various ages. Then it times
`reconciliation_run()` in this one process, as one worker runs it: the first run (which
opens every finding), a second run over unchanged reality (which must write nothing), and a
third after 1,000 reviews were recorded (which closes their findings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench_reconciliation \\
        .venv/bin/python benchmarks/reconciliation.py --models 100000

The database named in DATABASE_URL is dropped and recreated first (PostgreSQL only).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

from _support import recreate_database, setup_django

TARGET_SECONDS = 60




def seed(models: int, held_root: Path) -> dict:
    """The inventory and reality; returns what was planted, to check the run's counts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from governance.models import RealityItem, RealityListing
    from inventory.choices import DeploymentStatus, ModelStage, RiskTier
    from inventory.models import Deployment, MetricObservation, MLModel, ModelVersion

    users = get_user_model()
    people = users.objects.bulk_create(
        [users(username=f"owner{i}", is_active=i >= 5) for i in range(55)])
    today = timezone.localdate()
    now = timezone.now()
    tiers = list(RiskTier.values)
    rows = []
    for i in range(models):
        stage = ModelStage.RETIRED if i % 200 == 3 else ModelStage.PRODUCTION
        reviewed = today - datetime.timedelta(days=1000 if i % 20 == 0 else 30)
        rows.append(MLModel(name=f"bench-model-{i:06d}", owner=people[i % len(people)],
                            risk_tier=tiers[i % len(tiers)], stage=stage,
                            last_reviewed_on=reviewed))
    started = time.perf_counter()
    created = MLModel._base_manager.bulk_create(rows, batch_size=5000)
    versions = ModelVersion._base_manager.bulk_create(
        [ModelVersion(model=m, version=1, artifact_uri=f"custodia://models/{m.pk}/v1/model.bin",
                      stage=(ModelStage.VALIDATED if i % 100 == 2 else m.stage))
         for i, m in enumerate(created)], batch_size=5000)
    Deployment._base_manager.bulk_create(
        [Deployment(model_version=v, environment="production", region="eu-west-1",
                    status=DeploymentStatus.ACTIVE) for i, v in enumerate(versions)
         if i % 2 == 0], batch_size=5000)
    MetricObservation.objects.bulk_create(
        [MetricObservation(model_version=v, name="requests", kind="usage", value=100.0,
                           observed_at=now - datetime.timedelta(days=3))
         for i, v in enumerate(versions) if i % 3 == 0], batch_size=5000)
    listing = RealityListing.objects.create(kind="serving_platform", source="bench-platform",
                                            item_count=0)
    items = [RealityItem(listing=listing, model_name=m.name, version=1,
                         environment="production", region="eu-west-1")
             for i, m in enumerate(created) if i % 2 == 0]
    items += [RealityItem(listing=listing, model_name=f"shadow-model-{i}", version=1,
                          environment="production") for i in range(1000)]
    RealityItem.objects.bulk_create(items, batch_size=5000)
    for i, model in enumerate(created[:2000]):
        name = f"models/{model.pk}/v1/model.bin" if i % 10 else f"models/{model.pk}/v9/stray.bin"
        path = held_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"w")
    print(f"seeded {models:,} models, {len(versions):,} versions, {len(items):,} listed "
          f"endpoints in {time.perf_counter() - started:.1f} s")
    return {"models": created}


def timed_run(label: str) -> dict:
    from django.db import connection, reset_queries

    from governance.services.reconciliation import reconciliation_run

    reset_queries()
    started = time.perf_counter()
    summary = reconciliation_run()
    seconds = time.perf_counter() - started
    verdict = "OK" if seconds <= TARGET_SECONDS else "TOO SLOW"
    print(f"{label}: {seconds:.1f} s ({verdict}, target {TARGET_SECONDS} s), "
          f"{len(connection.queries)} queries; opened {summary['opened']:,}, reopened "
          f"{summary['reopened']:,}, closed {summary['closed']:,}, unchanged "
          f"{summary['unchanged']:,}; seen {summary['seen']}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and recreated).")
    recreate_database(url)
    with tempfile.TemporaryDirectory(prefix="custodia-bench-held-") as held:
        setup_django(CUSTODIA_ARTIFACT_ROOT=str(Path(held)))
        from django.conf import settings

        settings.DEBUG = True  # count queries
        planted = seed(args.models, Path(held))
        timed_run("first run (opens the findings)")
        timed_run("second run (nothing changed)")

        from django.utils import timezone

        from core.models.governed import update_audited
        from inventory.models import MLModel

        stale = [m.pk for i, m in enumerate(planted["models"]) if i % 20 == 0][:1000]
        update_audited(MLModel.objects.filter(pk__in=stale), reason="Benchmark: reviewed",
                       last_reviewed_on=timezone.localdate())
        timed_run("third run (1,000 reviews recorded)")


if __name__ == "__main__":
    main()
