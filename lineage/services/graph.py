"""Writes and reads of the provenance graph: nodes for Custodia's records, links, queries.

Nodes and edges are created idempotently (`bulk_create(ignore_conflicts=True)` on their
unique keys), so the same event or link recorded twice, or by two workers at once,
leaves one node and one edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core.audit import audit_context
from inventory.models import Dataset, DatasetVersion, ModelVersion
from lineage import graph
from lineage.choices import EdgeKind, NodeType
from lineage.models import CUSTODIA_NAMESPACE, LineageEdge, LineageNode

__all__ = [
    "GraphView",
    "dataset_version_node",
    "edges_ensure",
    "external_dependency_link",
    "graph_sensitive_reads_record",
    "impact_analysis",
    "lineage_graph",
    "model_version_link_unmirror",
    "model_version_links_mirror",
    "model_version_node",
    "node_by_id",
    "node_ensure",
    "nodes_path",
    "parse_node_id",
    "visibility_mark",
]


# --------------------------------------------------------------------------------------
# Nodes and edges
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


def node_ensure(*, node_type: str, namespace: str, name: str, **defaults) -> LineageNode:
    """The node with this identity, created if missing (safe under concurrency)."""
    LineageNode.objects.bulk_create(
        [LineageNode(node_type=node_type, namespace=namespace, name=name, **defaults)],
        ignore_conflicts=True)
    return LineageNode.objects.get(node_type=node_type, namespace=namespace, name=name)


def edges_ensure(edges: list[tuple[LineageNode, LineageNode, str]]) -> None:
    """Create the (source, target, kind) edges that do not exist yet."""
    LineageEdge.objects.bulk_create(
        [LineageEdge(source=s, target=t, kind=k) for s, t, k in edges if s.pk != t.pk],
        ignore_conflicts=True)


def dataset_version_node(version: DatasetVersion) -> LineageNode:
    """The node of a registered dataset version (`dataset:custodia:dataset-versions/<id>`)."""
    return node_ensure(node_type=NodeType.DATASET, namespace=CUSTODIA_NAMESPACE,
                       name=f"dataset-versions/{version.pk}", dataset_version=version,
                       label=str(version))


def model_version_node(version: ModelVersion) -> LineageNode:
    """The node of a registered model version (`model:custodia:model-versions/<id>`)."""
    return node_ensure(node_type=NodeType.MODEL_VERSION, namespace=CUSTODIA_NAMESPACE,
                       name=f"model-versions/{version.pk}", model_version=version,
                       label=str(version))


def model_version_links_mirror(model_version: ModelVersion) -> int:
    """Mirror the model version's dataset links (inventory's `ModelVersionDataset`, with
    their checksums at link time) as TRAINED_ON edges, so graph walks and impact analysis
    see them. Idempotent: run on registration and whenever a link is recorded."""
    links = list(model_version.dataset_links.select_related("dataset_version__dataset"))
    if not links:
        return 0
    target = model_version_node(model_version)
    edges_ensure([(dataset_version_node(link.dataset_version), target, EdgeKind.TRAINED_ON)
                  for link in links])
    return len(links)


def model_version_link_unmirror(model_version_id: int, dataset_version_id: int) -> None:
    """Drop the TRAINED_ON edge of a removed link when no other role still links the pair."""
    from inventory.models import ModelVersionDataset

    if ModelVersionDataset.objects.filter(model_version_id=model_version_id,
                                          dataset_version_id=dataset_version_id).exists():
        return
    LineageEdge.objects.filter(kind=EdgeKind.TRAINED_ON,
                               source__dataset_version_id=dataset_version_id,
                               target__model_version_id=model_version_id).delete()


def external_dependency_link(*, model_version: ModelVersion, name: str, vendor: str, actor,
                             reason: str) -> LineageNode:
    """Record that `model_version` calls a third-party API or service of `vendor`."""
    if not (name or "").strip() or not (vendor or "").strip():
        raise ValidationError({"name": ["Name the service and its vendor."]})
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        _require_visible(actor, ModelVersion, [model_version.pk], "model_version")
        node = node_ensure(node_type=NodeType.EXTERNAL, namespace=vendor.strip(),
                           name=name.strip(), vendor=vendor.strip(), label=name.strip())
        edges_ensure([(node, model_version_node(model_version), EdgeKind.CALLED_BY)])
    return node


def _require_visible(actor, model, pks: list[int], field_name: str) -> None:
    if actor is None:
        return  # system work (jobs, commands) acts on every record
    visible = set(model.objects.restrict(actor, "view").filter(pk__in=pks).values_list(
        "pk", flat=True))
    if set(pks) - visible:
        raise ValidationError({field_name: ["No such record, or not visible to you."]})


# --------------------------------------------------------------------------------------
# Reads: the graph around a node, impact, paths (SQL in lineage.graph)
# --------------------------------------------------------------------------------------
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
    walked = graph.walk([start.pk], direction=direction, depth=depth)
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


def graph_sensitive_reads_record(request, view: GraphView) -> None:
    """Showing a sensitive or confidential dataset version's node (with its location) is
    an access event, from the API and the dashboard alike."""
    from core.choices import AccessAction
    from core.services.audit import access_event_record

    for node in view.nodes:
        version = node.dataset_version
        if version is not None and view.details_visible.get(node.pk) and (
                version.dataset.is_sensitive or version.dataset.confidential):
            access_event_record(request=request, action=AccessAction.VIEW, obj=version)


def impact_analysis(*, start: LineageNode, user, depth: int = graph.MAX_DEPTH,
                    stages: tuple[str, ...] | None = None):
    """Production (or `stages`) model versions downstream of `start` that `user` may see."""
    from inventory.choices import ModelStage

    ids = graph.impacted_model_versions([start.pk], depth=depth,
                                        stages=stages or (ModelStage.PRODUCTION,))
    return ModelVersion.objects.restrict(user, "view").filter(pk__in=ids).for_list()


def nodes_path(*, source: LineageNode, target: LineageNode, depth: int = 10) -> list[LineageNode]:
    """The nodes of a shortest path from `source` to `target` following data flow, else
    the other way round; empty when they are not connected within `depth`."""
    ids = graph.path_between(source.pk, target.pk, depth=depth)
    if ids is None:
        ids = graph.path_between(target.pk, source.pk, depth=depth)
    if not ids:
        return []
    by_id = LineageNode.objects.in_bulk(ids)
    return [by_id[i] for i in ids]
