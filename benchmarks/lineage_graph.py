"""Lineage graph queries on a million edges (the lineage subdomain): walks, impact analysis, paths.

Builds, with COPY, a layered provenance graph shaped like real pipelines: alternating
dataset and run layers, each node fed by a few nodes of the layer before, production model
versions at the end; then times the queries the API runs (`lineage.selectors.graph`), each on
several random start nodes, and prints the median and worst times.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench_lineage \\
        .venv/bin/python benchmarks/lineage_graph.py --edges 1000000

The database named in DATABASE_URL is dropped and recreated first (PostgreSQL only).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

from _support import recreate_database, setup_django


def build_graph(edges_wanted: int, fan_in: int, layers: int, models: int, seed: int) -> dict:
    """Layer 0..layers-1, even layers datasets, odd layers runs; the last layer's nodes
    feed `models` production model versions. Returns the layer bounds (node ids)."""
    from django.db import connection

    from inventory.choices import ModelStage
    from inventory.models import MLModel, ModelVersion

    rng = random.Random(seed)
    width = edges_wanted // (fan_in * (layers - 1)) + 1
    model = MLModel._base_manager.create(name="bench-lineage-model", stage=ModelStage.PRODUCTION)
    versions = ModelVersion._base_manager.bulk_create(
        [ModelVersion(model=model, version=i + 1, stage=ModelStage.PRODUCTION)
         for i in range(models)])
    layer_ids: list[range] = []
    next_id = 1
    with connection.cursor() as cursor:
        with cursor.copy("COPY lineage_lineagenode (id, node_type, namespace, name, label, "
                         "vendor, region, state, facets, created_at, updated_at, "
                         "model_version_id) FROM STDIN") as copy:
            for layer in range(layers):
                node_type = "dataset" if layer % 2 == 0 else "run"
                layer_ids.append(range(next_id, next_id + width))
                for i in range(width):
                    copy.write_row((next_id, node_type, "bench", f"l{layer}/n{i}", "", "", "",
                                    "", "{}", "2026-01-01", "2026-01-01", None))
                    next_id += 1
            model_nodes = range(next_id, next_id + models)
            for version in versions:
                copy.write_row((next_id, "model", "custodia", f"model-versions/{version.pk}", "",
                                "", "", "", "{}", "2026-01-01", "2026-01-01", version.pk))
                next_id += 1
        edge_count = 0
        with cursor.copy("COPY lineage_lineageedge (source_id, target_id, kind, created_at) "
                         "FROM STDIN") as copy:
            for layer in range(1, layers):
                kind = "consumed" if layer % 2 == 1 else "produced"
                previous = layer_ids[layer - 1]
                for target in layer_ids[layer]:
                    for source in set(rng.sample(previous, fan_in)):
                        copy.write_row((source, target, kind, "2026-01-01"))
                        edge_count += 1
            last = layer_ids[-1]
            for target in model_nodes:
                for source in set(rng.sample(last, fan_in)):
                    copy.write_row((source, target, "trained_on", "2026-01-01"))
                    edge_count += 1
        cursor.execute("SELECT setval(pg_get_serial_sequence('lineage_lineagenode', 'id'), %s)",
                       [next_id])
        cursor.execute("ANALYZE lineage_lineagenode")
        cursor.execute("ANALYZE lineage_lineageedge")
    return {"layers": layer_ids, "models": model_nodes, "edges": edge_count, "nodes": next_id - 1}


def timed(label: str, runs: list, call) -> None:
    times, sizes = [], []
    for argument in runs:
        started = time.perf_counter()
        result = call(argument)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(result)
    print(f"{label:<58} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms"
          f"   result {statistics.median(sizes):>8.0f} (median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--fan-in", type=int, default=4)
    parser.add_argument("--layers", type=int, default=20)
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this benchmark may drop.")
    recreate_database(url)
    setup_django()
    from lineage.selectors import graph

    started = time.perf_counter()
    built = build_graph(args.edges, args.fan_in, args.layers, args.models, args.seed)
    print(f"graph: {built['nodes']:,} nodes, {built['edges']:,} edges, {args.layers} layers, "
          f"fan-in {args.fan_in}; built in {time.perf_counter() - started:.1f} s (COPY)")
    rng = random.Random(args.seed + 1)
    layers = built["layers"]
    first = [rng.choice(layers[0]) for _ in range(args.samples)]
    middle = [rng.choice(layers[len(layers) // 2]) for _ in range(args.samples)]
    late = [rng.choice(layers[-3]) for _ in range(args.samples)]
    models = [rng.choice(built["models"]) for _ in range(args.samples)]

    def walk(direction, depth):
        return lambda start: len(graph.walk([start], direction=direction, depth=depth).depths)

    timed("upstream of a model version, depth 5", models, walk(graph.Direction.UPSTREAM, 5))
    timed("upstream of a model version, depth 10", models, walk(graph.Direction.UPSTREAM, 10))
    timed("downstream of a mid-pipeline dataset, depth 5", middle,
          walk(graph.Direction.DOWNSTREAM, 5))
    timed("both ways around a mid-pipeline dataset, depth 3 (graph API)", middle,
          walk(graph.Direction.BOTH, 3))
    timed("impact: production models downstream of a late dataset", late,
          lambda start: len(graph.impacted_model_versions([start])))
    timed("impact: production models downstream of a mid dataset", middle,
          lambda start: len(graph.impacted_model_versions([start])))
    timed("impact: production models downstream of a source dataset (20 hops)", first[:3],
          lambda start: len(graph.impacted_model_versions([start])))
    pairs = []
    for model in models:  # a node 8 hops upstream of each model: a path exists
        reached = graph.walk([model], direction=graph.Direction.UPSTREAM, depth=8,
                             max_nodes=100_000).depths
        pairs.append((min(n for n, d in reached.items() if d == 8), model))
    timed("shortest path dataset -> model version 8 hops away (depth 10)", pairs,
          lambda pair: len(graph.path_between(pair[0], pair[1], depth=10) or []))


if __name__ == "__main__":
    main()
