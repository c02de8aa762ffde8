"""Graph walks in the database: recursive CTEs over `lineage_lineageedge`.

The graph can hold millions of edges, so nothing here loads it into Python: each walk is
one `WITH RECURSIVE` query (PostgreSQL and SQLite both run it), each step an index lookup
(`lineageedge_unique` for downstream, `lineageedge_upstream` for upstream), bounded by a
depth and a node cap. `UNION` (not `UNION ALL`) drops repeated (node, depth) pairs, so
a diamond or a cycle costs at most one row per node and depth.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from inventory.choices import ModelStage
from lineage.choices import NodeType

__all__ = ["Direction", "Walk", "impacted_model_versions", "path_between", "walk"]

EDGE = "lineage_lineageedge"
NODE = "lineage_lineagenode"
# Hard ceilings, whatever the caller asks: a walk answers a person, not a bulk export.
MAX_DEPTH = 50
MAX_NODES = 5000


class Direction:
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    BOTH = "both"


def _columns(direction: str) -> tuple[str, str]:
    """(column the walk arrives by, column it continues from) for one direction."""
    if direction == Direction.UPSTREAM:
        return "target_id", "source_id"
    return "source_id", "target_id"


@dataclass(frozen=True)
class Walk:
    """Nodes reached (id -> smallest depth) and whether the node cap cut the walk short."""

    depths: dict[int, int]
    truncated: bool


def _walk_sql(direction: str, start_count: int) -> str:
    here, there = _columns(direction)
    starts = ", ".join(["%s"] * start_count)
    return f"""
        WITH RECURSIVE reached(node_id, depth) AS (
            SELECT id, 0 FROM {NODE} WHERE id IN ({starts})
            UNION
            SELECT e.{there}, r.depth + 1
            FROM {EDGE} e JOIN reached r ON e.{here} = r.node_id
            WHERE r.depth < %s
        )
        SELECT node_id, MIN(depth) FROM reached GROUP BY node_id ORDER BY MIN(depth), node_id
        LIMIT %s
    """


def walk(start_ids: list[int], *, direction: str, depth: int,
         max_nodes: int = MAX_NODES) -> Walk:
    """Nodes up to `depth` edges upstream, downstream or both ways from `start_ids`."""
    depth = max(0, min(int(depth), MAX_DEPTH))
    if not start_ids:
        return Walk({}, False)
    directions = ([Direction.UPSTREAM, Direction.DOWNSTREAM] if direction == Direction.BOTH
                  else [direction])
    depths: dict[int, int] = {}
    truncated = False
    with connection.cursor() as cursor:
        for one in directions:
            cursor.execute(_walk_sql(one, len(start_ids)), [*start_ids, depth, max_nodes + 1])
            rows = cursor.fetchall()
            truncated = truncated or len(rows) > max_nodes
            for node_id, node_depth in rows[:max_nodes]:
                depths[node_id] = min(node_depth, depths.get(node_id, node_depth))
    return Walk(depths, truncated)


def impacted_model_versions(start_ids: list[int], *, depth: int = MAX_DEPTH,
                            stages: tuple[str, ...] = (ModelStage.PRODUCTION,)) -> list[int]:
    """Ids of model versions at `stages` downstream of `start_ids` ("which production
    models depend on this dataset version / this vendor API?"), through any number of
    hops up to `depth`; the join to the version's stage happens in the same query."""
    if not start_ids:
        return []
    depth = max(0, min(int(depth), MAX_DEPTH))
    starts = ", ".join(["%s"] * len(start_ids))
    stage_marks = ", ".join(["%s"] * len(stages))
    sql = f"""
        WITH RECURSIVE reached(node_id, depth) AS (
            SELECT id, 0 FROM {NODE} WHERE id IN ({starts})
            UNION
            SELECT e.target_id, r.depth + 1
            FROM {EDGE} e JOIN reached r ON e.source_id = r.node_id
            WHERE r.depth < %s
        )
        SELECT DISTINCT n.model_version_id
        FROM reached r
        JOIN {NODE} n ON n.id = r.node_id
        JOIN inventory_modelversion mv ON mv.id = n.model_version_id
        WHERE n.node_type = %s AND mv.stage IN ({stage_marks})
        ORDER BY n.model_version_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*start_ids, depth, NodeType.MODEL_VERSION, *stages])
        return [row[0] for row in cursor.fetchall()]


def path_between(source_id: int, target_id: int, *, depth: int = 10) -> list[int] | None:
    """The node ids of a shortest path following edges from `source_id` to `target_id`,
    or None. The walk carries its path as text (`,1,5,9,`) to refuse cycles; rows come out
    breadth-first on both engines, so the first arrival is a shortest path and LIMIT 1
    lets the database stop there."""
    if source_id == target_id:
        return [source_id]
    depth = max(1, min(int(depth), MAX_DEPTH))
    concat = "||"
    sql = f"""
        WITH RECURSIVE paths(node_id, depth, trail) AS (
            SELECT %s, 0, ',' {concat} CAST(%s AS TEXT) {concat} ','
            UNION ALL
            SELECT e.target_id, p.depth + 1, p.trail {concat} CAST(e.target_id AS TEXT) {concat} ','
            FROM {EDGE} e JOIN paths p ON e.source_id = p.node_id
            WHERE p.depth < %s AND p.node_id <> %s
              AND p.trail NOT LIKE '%%,' {concat} CAST(e.target_id AS TEXT) {concat} ',%%'
        )
        SELECT trail FROM paths WHERE node_id = %s LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [source_id, source_id, depth, target_id, target_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return [int(part) for part in row[0].strip(",").split(",")]
