"""Reads of the provenance graph: walks, impact and paths in the database, and the graph
around a node as a reader may see it.

The graph can hold millions of edges, so nothing here loads it into Python: each walk is
one `WITH RECURSIVE` query over `lineage_lineageedge` (PostgreSQL and SQLite both run it),
each step an index lookup (`lineageedge_unique` for downstream, `lineageedge_upstream` for
upstream), bounded by a depth and a node cap. `UNION` (not `UNION ALL`) drops repeated
(node, depth) pairs, so a diamond or a cycle costs at most one row per node and depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from inventory.choices import ModelStage
from inventory.models import Dataset, DatasetVersion, ModelVersion
from lineage.choices import Direction, NodeType
from lineage.models import LineageEdge, LineageNode

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "SEARCH_TYPES",
    "Direction",
    "GraphView",
    "Walk",
    "impact_analysis",
    "impacted_model_versions",
    "latest_model_node",
    "lineage_graph",
    "node_by_id",
    "node_search",
    "nodes_path",
    "parse_node_id",
    "path_between",
    "visibility_mark",
    "walk",
]

EDGE = "lineage_lineageedge"
NODE = "lineage_lineagenode"
# Hard ceilings, whatever the caller asks: a walk answers a person, not a bulk export.
MAX_DEPTH = 50
MAX_NODES = 5000


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
    or None when there is none within `depth` edges.

    One query meets in the middle: the downstream cone of the source and the upstream cone
    of the target (each a deduplicated walk, so a dense graph costs one row per node and
    depth, never one per path) are joined; the nodes whose two distances add up to the
    shortest total lie on a shortest path. Only those nodes and the edges among them reach
    Python, to pick one path.
    """
    if source_id == target_id:
        return [source_id]
    depth = max(1, min(int(depth), MAX_DEPTH))
    sql = f"""
        WITH RECURSIVE
        down(node_id, depth) AS (
            SELECT id, 0 FROM {NODE} WHERE id = %s
            UNION
            SELECT e.target_id, d.depth + 1 FROM {EDGE} e JOIN down d ON e.source_id = d.node_id
            WHERE d.depth < %s
        ),
        up(node_id, depth) AS (
            SELECT id, 0 FROM {NODE} WHERE id = %s
            UNION
            SELECT e.source_id, u.depth + 1 FROM {EDGE} e JOIN up u ON e.target_id = u.node_id
            WHERE u.depth < %s
        ),
        meet AS (
            SELECT d.node_id, MIN(d.depth) AS from_source, MIN(u.depth) AS to_target
            FROM down d JOIN up u ON d.node_id = u.node_id GROUP BY d.node_id
        )
        SELECT node_id, from_source FROM meet
        WHERE from_source + to_target = (SELECT MIN(from_source + to_target) FROM meet)
          AND from_source + to_target <= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [source_id, depth, target_id, depth, depth])
        distance = dict(cursor.fetchall())
        if target_id not in distance:
            return None
        ids = list(distance)
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(f"SELECT source_id, target_id FROM {EDGE} "
                       f"WHERE source_id IN ({marks}) AND target_id IN ({marks})", ids + ids)
        edges = cursor.fetchall()
    following: dict[int, list[int]] = {}
    for source, target in edges:
        if distance[target] == distance[source] + 1:
            following.setdefault(source, []).append(target)
    path = [source_id]
    while path[-1] != target_id:
        path.append(min(following[path[-1]]))  # the lowest id: the same answer every time
    return path


# --------------------------------------------------------------------------------------
# Nodes by id, and the graph as a reader may see it
# --------------------------------------------------------------------------------------
def parse_node_id(node_id: str) -> tuple[str, str, str]:
    """`dataset:ns:name` -> (type, namespace, name); names may contain colons.

    Raises:
        ValidationError: not `<type>:<namespace>:<name>` with a known type.
    """
    parts = (node_id or "").split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise ValidationError({"nodeId": ["Use <type>:<namespace>:<name>, e.g. "
                                          "dataset:warehouse:public.loans."]})
    node_type = parts[0].lower()
    if node_type not in NodeType.values:
        raise ValidationError({"nodeId": [f"Unknown node type “{parts[0]}”; choose from "
                                          f"{', '.join(NodeType.values)}."]})
    return node_type, parts[1], parts[2]


def node_by_id(node_id: str) -> LineageNode | None:
    node_type, namespace, name = parse_node_id(node_id)
    return LineageNode.objects.filter(node_type=node_type, namespace=namespace, name=name).first()


@dataclass
class GraphView:
    """Nodes (with depth and what the reader may see of them) and the edges among them."""

    nodes: list[LineageNode]
    edges: list[LineageEdge]
    depths: dict[int, int]
    visible: dict[int, bool] = field(default_factory=dict)
    details_visible: dict[int, bool] = field(default_factory=dict)
    truncated: bool = False


def lineage_graph(*, start: LineageNode, depth: int, direction: str, user) -> GraphView:
    """The graph `depth` edges around `start`; Custodia records the user may not see are
    kept as anonymous nodes (the shape stays true), their names and locations left out."""
    walked = walk([start.pk], direction=direction, depth=depth)
    ids = list(walked.depths)
    nodes = list(LineageNode.objects.filter(pk__in=ids).select_related(
        "dataset_version__dataset", "model_version__model").order_by("pk"))
    edges = list(LineageEdge.objects.filter(source_id__in=ids, target_id__in=ids).order_by("pk"))
    view = GraphView(nodes=nodes, edges=edges, depths=walked.depths, truncated=walked.truncated)
    visibility_mark(view, user)
    return view


def visibility_mark(view: GraphView, user) -> None:
    """Three queries whatever the graph's size: visible dataset versions, those whose
    details may be seen, visible model versions."""
    dv_ids = [n.dataset_version_id for n in view.nodes if n.dataset_version_id]
    mv_ids = [n.model_version_id for n in view.nodes if n.model_version_id]
    visible_dv = set(DatasetVersion.objects.restrict(user, "view").filter(
        pk__in=dv_ids).values_list("pk", flat=True)) if dv_ids else set()
    detailed_dv = set(DatasetVersion.objects.filter(
        Q(pk__in=visible_dv) & Dataset.details_visible_q(user, "dataset__")).values_list(
        "pk", flat=True)) if visible_dv else set()
    visible_mv = set(ModelVersion.objects.restrict(user, "view").filter(
        pk__in=mv_ids).values_list("pk", flat=True)) if mv_ids else set()
    for node in view.nodes:
        if node.dataset_version_id:
            view.visible[node.pk] = node.dataset_version_id in visible_dv
            view.details_visible[node.pk] = node.dataset_version_id in detailed_dv
        elif node.model_version_id:
            view.visible[node.pk] = node.model_version_id in visible_mv
            view.details_visible[node.pk] = view.visible[node.pk]
        else:
            view.visible[node.pk] = view.details_visible[node.pk] = True


def impact_analysis(*, start: LineageNode, user, depth: int = MAX_DEPTH,
                    stages: tuple[str, ...] | None = None):
    """Production (or `stages`) model versions downstream of `start` that `user` may see."""
    ids = impacted_model_versions([start.pk], depth=depth,
                                        stages=stages or (ModelStage.PRODUCTION,))
    return ModelVersion.objects.restrict(user, "view").filter(pk__in=ids).for_list()


def nodes_path(*, source: LineageNode, target: LineageNode, depth: int = 10) -> list[LineageNode]:
    """The nodes of a shortest path from `source` to `target` following data flow, else
    the other way round; empty when they are not connected within `depth`."""
    ids = path_between(source.pk, target.pk, depth=depth)
    if ids is None:
        ids = path_between(target.pk, source.pk, depth=depth)
    if not ids:
        return []
    by_id = LineageNode.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


# --------------------------------------------------------------------------------------
# Finding a node by name
# --------------------------------------------------------------------------------------
SEARCH_TYPES = (NodeType.DATASET, NodeType.JOB, NodeType.MODEL_VERSION)


def _visible_nodes_q(user) -> Q:
    """Nodes that stand for no Custodia record, or for one `user` may see."""
    visible_dv = DatasetVersion.objects.restrict(user, "view").values("pk")
    visible_mv = ModelVersion.objects.restrict(user, "view").values("pk")
    return (Q(dataset_version__isnull=True, model_version__isnull=True)
            | Q(dataset_version__in=visible_dv) | Q(model_version__in=visible_mv))


def node_search(*, query: str, user, limit: int = 10) -> list[LineageNode]:
    """Datasets, jobs and model versions whose name contains `query` (any case), among the
    nodes `user` may see, names starting with it first.

    A Custodia record's node is found by its label (the record's name and version) only:
    its namespace and name are an id, and a record the user may not see is never found.
    """
    query = query.strip()
    named = (Q(dataset_version__isnull=True, model_version__isnull=True)
             & (Q(name__icontains=query) | Q(namespace__icontains=query)))
    return list(LineageNode.objects
                .filter(_visible_nodes_q(user), node_type__in=SEARCH_TYPES)
                .filter(Q(label__icontains=query) | named)
                .annotate(starts=Case(When(Q(label__istartswith=query)
                                           | Q(name__istartswith=query), then=Value(0)),
                                      default=Value(1), output_field=IntegerField()))
                .select_related("dataset_version__dataset", "model_version__model")
                .order_by("starts", "label", "name")[:limit])


def latest_model_node(user) -> LineageNode | None:
    """The node of the most recently registered model version `user` may see that has a
    place in the graph (something feeds it): where the lineage page opens."""
    return (LineageNode.objects
            .filter(node_type=NodeType.MODEL_VERSION, in_edges__isnull=False,
                    model_version__in=ModelVersion.objects.restrict(user, "view").values("pk"))
            .order_by("-model_version__created_at", "-pk").first())
