"""Detail-page panels lineage adds to the inventory's model and dataset pages: where each
version's data came from (or which models it fed), its reproducibility record and its open
integrity findings. Registered in `LineageConfig.ready()`; the inventory imports none of it."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest

from core.panels import Panel, register_panel
from inventory.models import Dataset, MLModel
from lineage.choices import FindingStatus, NodeType
from lineage.models import IntegrityFinding, LineageNode

__all__ = ["register_lineage_panels"]

MAX_ROWS = 20


def _open_findings(**version_filter) -> dict[int, int]:
    """Open findings per version id (one query)."""
    key = next(iter(version_filter)).split("__")[0]
    rows = (IntegrityFinding.objects.filter(status=FindingStatus.OPEN, **version_filter)
            .values(f"{key}_id").annotate(count=Count("pk")))
    return {row[f"{key}_id"]: row["count"] for row in rows}


def model_lineage_context(request: HttpRequest, model: MLModel) -> dict | None:
    versions = list(model.versions.order_by("-version")[:MAX_ROWS])
    if not versions:
        return None
    node_ids = {node.model_version_id: node.node_id for node in LineageNode.objects.filter(
        node_type=NodeType.MODEL_VERSION, model_version__in=versions)}
    findings = _open_findings(model_version__in=versions)
    return {"rows": [{"version": version, "node_id": node_ids.get(version.pk, ""),
                      "open_findings": findings.get(version.pk, 0)} for version in versions]}


def dataset_lineage_context(request: HttpRequest, dataset: Dataset) -> dict | None:
    versions = list(dataset.versions.annotate(
        linked_models=Count("model_version_links__model_version", distinct=True))
        .order_by("-created_at")[:MAX_ROWS])
    if not versions:
        return None
    node_ids = {node.dataset_version_id: node.node_id for node in LineageNode.objects.filter(
        node_type=NodeType.DATASET, dataset_version__in=versions)}
    findings = _open_findings(dataset_version__in=versions)
    return {"rows": [{"version": version, "node_id": node_ids.get(version.pk, ""),
                      "open_findings": findings.get(version.pk, 0)} for version in versions]}


def register_lineage_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="lineage", title="Lineage and reproducibility",
        template="lineage/panels/mlmodel_lineage.html", context=model_lineage_context,
        permission="lineage.view_lineagenode", order=20))
    register_panel("inventory.dataset", Panel(
        key="lineage", title="Lineage and integrity",
        template="lineage/panels/dataset_lineage.html", context=dataset_lineage_context,
        permission="lineage.view_lineagenode", order=20))
