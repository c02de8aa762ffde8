"""API shapes of the provenance graph: Marquez's graph, path nodes, impact rows, external
dependencies."""

from __future__ import annotations

from rest_framework import serializers

from inventory.models import ModelVersion
from lineage.models import LineageNode
from lineage.selectors.graph import GraphView

__all__ = ["ExternalDependencySerializer", "ImpactSerializer", "marquez_graph", "node_summary"]

HIDDEN_LABEL = "Not visible to you"


def node_summary(node: LineageNode, view: GraphView) -> dict:
    """What a reader may see of a node: Custodia records they may not see are anonymous,
    and a sensitive dataset's location appears only with `view_sensitive_dataset`."""
    visible = view.visible.get(node.pk, True)
    data: dict = {"nodeType": node.node_type, "label": node.label if visible else HIDDEN_LABEL}
    if node.pk in view.depths:
        data["depth"] = view.depths[node.pk]
    if not visible:
        data["hidden"] = True
    elif node.dataset_version_id:
        version = node.dataset_version
        dataset = version.dataset
        data.update({"datasetVersionId": version.pk, "dataset": dataset.name,
                     "version": version.version, "sensitivity": dataset.sensitivity,
                     "residencyRegion": dataset.residency_region, "sha256": version.sha256,
                     "url": version.get_absolute_url()})
        if view.details_visible.get(node.pk):
            data["uri"] = version.uri
    elif node.model_version_id:
        version = node.model_version
        data.update({"modelVersionId": version.pk, "model": version.model.name,
                     "version": version.version, "stage": version.stage,
                     "region": node.region, "url": version.get_absolute_url()})
    elif node.node_type == "run":
        data.update({"runId": node.name, "state": node.state,
                     "startedAt": node.started_at.isoformat() if node.started_at else None,
                     "endedAt": node.ended_at.isoformat() if node.ended_at else None})
    elif node.node_type == "external":
        data["vendor"] = node.vendor
    if visible and not (node.dataset_version_id or node.model_version_id):
        data["namespace"], data["name"] = node.namespace, node.name
    return {"id": node.node_id, "type": node.node_type.upper(), "data": data}


def marquez_graph(view: GraphView) -> dict:
    """`{"graph": [{id, type, data, inEdges, outEdges}]}`, as Marquez answers."""
    by_pk = {node.pk: node for node in view.nodes}
    incoming: dict[int, list[dict]] = {pk: [] for pk in by_pk}
    outgoing: dict[int, list[dict]] = {pk: [] for pk in by_pk}
    for edge in view.edges:
        pair = {"origin": by_pk[edge.source_id].node_id,
                "destination": by_pk[edge.target_id].node_id, "kind": edge.kind}
        outgoing[edge.source_id].append(pair)
        incoming[edge.target_id].append(pair)
    graph = []
    for node in view.nodes:
        item = node_summary(node, view)
        item["inEdges"], item["outEdges"] = incoming[node.pk], outgoing[node.pk]
        graph.append(item)
    return {"graph": graph, "truncated": view.truncated}


class ImpactSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model.name", read_only=True)

    class Meta:
        model = ModelVersion
        fields = ["id", "model", "model_name", "version", "stage"]
        read_only_fields = fields


class ExternalDependencySerializer(serializers.Serializer):
    model_version = serializers.PrimaryKeyRelatedField(queryset=ModelVersion.objects.none())
    name = serializers.CharField(max_length=500, help_text="The service, e.g. bureau-score-api.")
    vendor = serializers.CharField(max_length=120, help_text="Who provides it, e.g. Experian.")
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # versions the caller may see (NetBox: restricted FKs)
            fields["model_version"].queryset = ModelVersion.objects.restrict(request.user, "view")
        return fields
