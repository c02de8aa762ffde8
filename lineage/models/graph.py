"""The provenance graph: nodes, the edges data flows along, and column lineage.

Graph nodes and edges are written by machines at volume (every OpenLineage event of every
pipeline), so they are plain rows rather than governed records with history: the
`LineageEvent` log they are derived from is their audit trail.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from inventory.models import DatasetVersion, ModelVersion
from lineage.choices import EdgeKind, NodeType, RunState

__all__ = ["CUSTODIA_NAMESPACE", "ColumnLineage", "LineageEdge", "LineageNode"]

# Namespace of the nodes that stand for Custodia's own records.
CUSTODIA_NAMESPACE = "custodia"


class LineageNode(models.Model):
    """A dataset (version), job, run, model version or external dependency in the graph.

    Identified like Marquez: `<type>:<namespace>:<name>`. Nodes for Custodia's own records
    use the `custodia` namespace and the record's id (`dataset-versions/12`), so a node id
    never reveals a name the reader may not see.
    """

    node_type = models.CharField(max_length=20, choices=NodeType.choices)
    namespace = models.CharField(max_length=300)
    name = models.CharField(max_length=500)
    label = models.CharField(max_length=300, blank=True, help_text="Display name.")
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="lineage_nodes")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="lineage_nodes")
    job = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="runs", help_text="For a run: its job.")
    vendor = models.CharField(max_length=120, blank=True,
                              help_text="For an external dependency: who provides it.")
    region = models.CharField(max_length=40, blank=True, db_index=True,
                              help_text="For a model version: where it is trained or runs "
                                        "(checked against residency rules).")
    state = models.CharField(max_length=10, choices=RunState.choices, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    facets = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node_type", "namespace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["node_type", "namespace", "name"],
                                    name="lineagenode_unique_id",
                                    violation_error_message="This node already exists."),
        ]
        indexes = [models.Index(fields=["node_type", "model_version"])]

    def __str__(self) -> str:
        return self.label or self.node_id

    @property
    def node_id(self) -> str:
        return f"{self.node_type}:{self.namespace}:{self.name}"


class LineageEdge(models.Model):
    """Data flows from `source` to `target` (consumed, produced, trained on...).

    The unique (source, target, kind) index serves downstream walks and the (target,
    source) index upstream walks, so each recursive step is an index lookup.
    """

    source = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="out_edges")
    target = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="in_edges")
    kind = models.CharField(max_length=20, choices=EdgeKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="lineageedge_unique",
                                    violation_error_message="This edge already exists."),
            models.CheckConstraint(condition=~Q(source=models.F("target")),
                                   name="lineageedge_no_self_loop",
                                   violation_error_message="A node cannot feed itself."),
        ]
        indexes = [models.Index(fields=["target", "source"], name="lineageedge_upstream")]

    def __str__(self) -> str:
        return f"{self.source_id} -{self.kind}-> {self.target_id}"


class ColumnLineage(models.Model):
    """Which input field an output field is derived from (OpenLineage columnLineage facet)."""

    output = models.ForeignKey(LineageNode, on_delete=models.CASCADE,
                               related_name="column_lineage")
    output_field = models.CharField(max_length=300)
    input = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="+")
    input_field = models.CharField(max_length=300)
    transformation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["output", "output_field", "input", "input_field"]
        constraints = [
            models.UniqueConstraint(fields=["output", "output_field", "input", "input_field"],
                                    name="columnlineage_unique",
                                    violation_error_message="This column link already exists."),
        ]

    def __str__(self) -> str:
        return f"{self.input_id}.{self.input_field} -> {self.output_id}.{self.output_field}"
