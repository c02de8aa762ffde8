"""Dashboards of the lineage app: the graph around a node (interactive, plus the same
nodes and edges as tables), integrity findings, reproducibility records.

Views translate and delegate: the graph, visibility and records come from
`lineage.services`, exactly as the API serves them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from core.views.generic import ObjectListView, RestrictedViewMixin
from inventory.models import ModelVersion
from lineage import graph
from lineage.api.serializers import node_summary
from lineage.choices import NodeType
from lineage.filters import IntegrityFindingFilterSet
from lineage.models import IntegrityFinding, LineageNode
from lineage.services import graph as graph_services
from lineage.services.reproducibility import reproducibility_reads_record, reproducibility_record
from lineage.tables import FINDING_COLUMNS

DIRECTIONS = [(graph.Direction.BOTH, "Both ways"),
              (graph.Direction.UPSTREAM, "Upstream (where it came from)"),
              (graph.Direction.DOWNSTREAM, "Downstream (what it feeds)")]


class LineageGraphView(RestrictedViewMixin, TemplateView):
    """The graph around `?node=<type>:<namespace>:<name>`: a zoomable picture and tables."""

    model = LineageNode
    template_name = "lineage/graph.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        request = self.request
        node_id = request.GET.get("node", "").strip()
        direction = request.GET.get("direction", graph.Direction.BOTH)
        if direction not in dict(DIRECTIONS):
            direction = graph.Direction.BOTH
        try:
            depth = max(1, min(int(request.GET.get("depth", 2)), 10))
        except ValueError:
            depth = 2
        context.update({"title": "Lineage graph", "node_id": node_id, "depth": depth,
                        "direction": direction, "directions": DIRECTIONS, "error": "",
                        "api_url": reverse("lineage-api:lineage"),
                        "recent_runs": list(LineageNode.objects.filter(node_type=NodeType.RUN)
                                            .order_by("-updated_at")[:10])})
        if not node_id:
            return context
        try:
            start = graph_services.node_by_id(node_id)
        except ValidationError as error:
            context["error"] = " ".join(error.message_dict.get("nodeId", error.messages))
            return context
        if start is None:
            context["error"] = "No such node in the lineage graph."
            return context
        view = graph_services.lineage_graph(start=start, depth=depth, direction=direction,
                                            user=request.user)
        graph_services.graph_sensitive_reads_record(request, view)
        summaries = {node.pk: node_summary(node, view) for node in view.nodes}
        context.update({
            "graph_json": {"nodes": list(summaries.values()),
                           "edges": [[summaries[e.source_id]["id"], summaries[e.target_id]["id"],
                                      e.kind] for e in view.edges]},
            "start": summaries[start.pk],
            "nodes": sorted(summaries.values(), key=lambda n: (n["data"].get("depth", 0),
                                                               n["type"], n["data"]["label"])),
            "edges": [(summaries[e.source_id], e.get_kind_display(), summaries[e.target_id])
                      for e in view.edges],
            "truncated": view.truncated,
        })
        return context


class IntegrityFindingListView(ObjectListView):
    model = IntegrityFinding
    filterset_class = IntegrityFindingFilterSet
    columns = FINDING_COLUMNS
    default_sort = "-created_at"
    title = "Integrity findings"
    description = ("Held data or model files whose bytes changed or went missing since "
                   "registration, and model versions that break a residency rule. The "
                   "recorded checksum is never overwritten: each finding needs a person.")
    empty_message = ("No finding: every held dataset and model file matched its recorded "
                     "checksum at its last check, and no residency rule is broken.")


class ReproducibilityView(RestrictedViewMixin, TemplateView):
    """Could this model version be rebuilt? Data (checksums then and now), code, environment."""

    model = ModelVersion
    template_name = "lineage/reproducibility.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(self.restricted_queryset().select_related("model"),
                                    pk=kwargs["pk"])
        record = reproducibility_record(model_version=version, user=self.request.user)
        reproducibility_reads_record(self.request, record)
        context.update({"title": f"Reproducibility of {version}", "version": version,
                        "record": record,
                        "node_id": f"model:custodia:model-versions/{version.pk}"})
        return context
