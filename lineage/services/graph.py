"""Writes of the provenance graph: nodes for Custodia's records, their links, external
dependencies, and the access events of showing sensitive nodes.

Nodes and edges are created idempotently (`bulk_create(ignore_conflicts=True)` on their
unique keys), so the same event or link recorded twice, or by two workers at once,
leaves one node and one edge. Reads of the graph are in `lineage.selectors.graph`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_context
from inventory.models import DatasetVersion, ModelVersion
from lineage.choices import EdgeKind, NodeType
from lineage.models import CUSTODIA_NAMESPACE, LineageEdge, LineageNode
from lineage.selectors.graph import GraphView

__all__ = [
    "dataset_version_node",
    "edges_ensure",
    "external_dependency_link",
    "graph_sensitive_reads_record",
    "model_version_link_unmirror",
    "model_version_links_mirror",
    "model_version_node",
    "node_ensure",
]


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
