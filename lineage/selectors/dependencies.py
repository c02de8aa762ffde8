"""The third-party APIs and services each model version calls, as recorded in the graph
(`external` nodes with a `called_by` edge to the version's node). The inventory's ML-BOM
lists them as CycloneDX services (`inventory.selectors.mlbom`)."""

from __future__ import annotations

from inventory.selectors.mlbom import ExternalDependency
from lineage.choices import EdgeKind, NodeType
from lineage.models import LineageEdge

__all__ = ["external_dependencies_of"]


def external_dependencies_of(version_ids: list[int]) -> dict[int, list[ExternalDependency]]:
    """`{model version id: [ExternalDependency, ...]}` for `version_ids`, in one query."""
    edges = LineageEdge.objects.filter(
        kind=EdgeKind.CALLED_BY, source__node_type=NodeType.EXTERNAL,
        target__model_version_id__in=version_ids,
    ).values_list("target__model_version_id", "source__name", "source__vendor",
                  "source__namespace")
    found: dict[int, list[ExternalDependency]] = {}
    for version_id, name, vendor, namespace in edges:
        found.setdefault(version_id, []).append(ExternalDependency(name=name,
                                                                   vendor=vendor or namespace))
    return found
