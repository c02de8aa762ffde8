"""Metric storage at scale: ingest up to 10^7 raw observations, roll them up, and time the
reads served from the roll-ups as the raw table grows (the monitoring metrics subdomain).

Creates models with one production version and two deployments each, then grows
`inventory_metricobservation` in steps (PostgreSQL `generate_series`, spread over the last
60 days), runs the roll-up job after each step, and times, at each size:
- the batch ingestion service on 10,000 rows (validation + COPY + receipt);
- the roll-up job on the rows that arrived in the step;
- reads from the roll-ups: a model's 30-day daily series, the degradation check's one
  query, the capacity page's series for every model;
- for contrast, the same 30-day daily series computed from the raw rows.
A flat roll-up column and a growing raw column are the point.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench_metrics \\
        .venv/bin/python benchmarks/metric_rollups.py --rows 10000000 --steps 4

The database named in DATABASE_URL is dropped and recreated first (PostgreSQL only).
`--measure-only` instead times the reads again on the database a previous run left, after
`VACUUM ANALYZE` of the roll-up table (what autovacuum does in service: each roll-up run
replaces the buckets it touched, leaving dead rows until then).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time

from _support import recreate_database, setup_django

METRICS = (("auc", "performance", 0.8, 0.05), ("p99_ms", "latency", 120.0, 30.0),
           ("requests", "usage", 500.0, 200.0), ("cpu", "resources", 0.5, 0.2))
DAYS = 60




def seed_catalogue(models: int) -> tuple[list[int], list[int], object]:
    """`models` production models, one version and two deployments each; a superuser."""
    from django.contrib.auth import get_user_model

    from inventory.choices import ModelStage
    from inventory.models import Deployment, MLModel, ModelVersion, Team

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    team = Team._base_manager.create(name="Bench", slug="bench", business_unit="Bench")
    team.members.add(user)
    versions, deployments = [], []
    for i in range(models):
        model = MLModel._base_manager.create(name=f"bench-model-m{i}", team=team, owner=user,
                                             stage=ModelStage.PRODUCTION)
        version = ModelVersion._base_manager.create(model=model, version=1,
                                                    stage=ModelStage.PRODUCTION)
        versions.append(version.pk)
        for region in ("eu-west-1", "us-east-1"):
            deployments.append(Deployment._base_manager.create(
                model_version=version, environment="production", region=region,
                segment="retail").pk)
    return versions, deployments, user


def grow(rows: int, versions: list[int], deployments: list[int]) -> float:
    """Append `rows` observations spread over the last DAYS days (one INSERT … SELECT)."""
    from django.db import connection

    metric_cases = " ".join(f"WHEN {i} THEN '{name}'" for i, (name, *_) in enumerate(METRICS))
    kind_cases = " ".join(f"WHEN {i} THEN '{kind}'" for i, (_, kind, *_) in enumerate(METRICS))
    value_cases = " ".join(f"WHEN {i} THEN {mean} + {spread} * (random() - 0.5)"
                           for i, (_, _, mean, spread) in enumerate(METRICS))
    sql = f"""
        INSERT INTO inventory_metricobservation
            (model_version_id, deployment_id, name, kind, value, observed_at, source, created_at)
        SELECT v.ids[1 + (g / 4) %% %(n)s], v.deps[1 + 2 * ((g / 4) %% %(n)s) + (g %% 2)],
               CASE g %% 4 {metric_cases} END, CASE g %% 4 {kind_cases} END,
               CASE g %% 4 {value_cases} END,
               now() - make_interval(secs => random() * {DAYS} * 86400), 'bench', now()
        FROM generate_series(1, %(rows)s) AS g,
             (SELECT %(ids)s::bigint[] AS ids, %(deps)s::bigint[] AS deps) AS v
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"rows": rows, "n": len(versions), "ids": versions,
                             "deps": deployments})
        cursor.execute("ANALYZE inventory_metricobservation")
    return time.perf_counter() - started


def timed(function, repeat: int = 5) -> float:
    """Median wall time of `function()` in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(versions: list[int], user) -> dict[str, float]:
    from django.db.models import Avg
    from django.db.models.functions import Trunc
    from django.utils import timezone

    from inventory.models import MetricObservation
    from monitoring.choices import Granularity
    from monitoring.models import MetricRollup
    from monitoring.selectors.capacity import capacity_series
    from monitoring.selectors.metrics import metric_series
    from monitoring.services.alerts import degradation_evaluations

    end = timezone.now()
    start = end - datetime.timedelta(days=30)
    version = versions[len(versions) // 2]

    def series_from_rollups():
        return metric_series(rollups=MetricRollup.objects.filter(model_version_id=version,
                                                                 name="auc"),
                             granularity=Granularity.DAY, start=start, end=end)

    def series_from_raw():
        return list(MetricObservation.objects.filter(
            model_version_id=version, name="auc", observed_at__gte=start, observed_at__lt=end)
            .annotate(day=Trunc("observed_at", "day", tzinfo=datetime.UTC)).order_by()
            .values("day").annotate(mean=Avg("value")))

    return {"series_rollup_ms": timed(series_from_rollups),
            "degradation_query_ms": timed(degradation_evaluations),
            "capacity_all_models_ms": timed(lambda: capacity_series(user=user, days=30)),
            "series_raw_ms": timed(series_from_raw, repeat=3)}


def ingest_batch(user, versions: list[int]) -> float:
    """Rows per second of the batch service on 10,000 rows."""
    from django.utils import timezone

    from monitoring.services.ingestion import metric_batch_ingest

    now = timezone.now()
    rows = [{"model_version": versions[i % len(versions)], "name": "auc", "value": 0.8,
             "observed_at": (now - datetime.timedelta(seconds=i)).isoformat()}
            for i in range(10_000)]
    started = time.perf_counter()
    metric_batch_ingest(actor=user, rows=rows, source="bench")
    return 10_000 / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="Raw rows at the end.")
    parser.add_argument("--steps", type=int, default=4, help="Sizes measured on the way.")
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--measure-only", action="store_true",
                        help="Re-time the reads on the database a previous run left.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and recreated).")
    if args.measure_only:
        measure_existing()
        return
    recreate_database(url)
    setup_django()
    from inventory.models import MetricObservation
    from monitoring.models import MetricRollup
    from monitoring.services.rollups import metric_rollup_run

    versions, deployments, user = seed_catalogue(args.models)
    print(f"{'raw rows':>12} {'rollups':>8} {'seed s':>7} {'rollup s':>9} "
          f"{'ingest rows/s':>14} {'series(rollup) ms':>18} {'degradation ms':>15} "
          f"{'capacity ms':>12} {'series(raw) ms':>15}", flush=True)
    step = args.rows // args.steps
    for _ in range(args.steps):
        seeded = grow(step, versions, deployments)
        rate = ingest_batch(user, versions)
        started = time.perf_counter()
        metric_rollup_run()
        rolled = time.perf_counter() - started
        numbers = measure(versions, user)
        print(f"{MetricObservation.objects.count():>12,} {MetricRollup.objects.count():>8,} "
              f"{seeded:>7.1f} {rolled:>9.1f} {rate:>14,.0f} {numbers['series_rollup_ms']:>18.1f} "
              f"{numbers['degradation_query_ms']:>15.1f} {numbers['capacity_all_models_ms']:>12.1f} "
              f"{numbers['series_raw_ms']:>15.1f}", flush=True)


def measure_existing() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from inventory.models import MetricObservation, ModelVersion
    from monitoring.models import MetricRollup

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_metricrollup")
    versions = list(ModelVersion.objects.order_by("pk").values_list("pk", flat=True))
    numbers = measure(versions, get_user_model().objects.get(username="bench"))
    print(f"{MetricObservation.objects.count():,} raw rows, {MetricRollup.objects.count():,} "
          "roll-ups (vacuumed): " + ", ".join(f"{k} {v:.1f}" for k, v in numbers.items()))


if __name__ == "__main__":
    main()
