"""The lineage graph page: the graph around a node (an interactive picture, plus the same
nodes and edges as tables), read exactly as the API serves it (`lineage.selectors.graph`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.generic import TemplateView

from core.views.generic import RestrictedViewMixin
from lineage.api.serializers.graph import node_summary
from lineage.choices import Direction, NodeType
from lineage.models import LineageNode
from lineage.selectors.graph import lineage_graph, node_by_id
from lineage.services.graph import graph_sensitive_reads_record

__all__ = ["DIRECTIONS", "LineageGraphView"]

DIRECTIONS = [(Direction.BOTH, "Both ways"),
              (Direction.UPSTREAM, "Upstream (where it came from)"),
              (Direction.DOWNSTREAM, "Downstream (what it feeds)")]


class LineageGraphView(RestrictedViewMixin, TemplateView):
    """The graph around `?node=<type>:<namespace>:<name>`: a zoomable picture and tables."""

    model = LineageNode
    template_name = "lineage/graph.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        request = self.request
        node_id = request.GET.get("node", "").strip()
        direction = request.GET.get("direction", Direction.BOTH)
        if direction not in dict(DIRECTIONS):
            direction = Direction.BOTH
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
            start = node_by_id(node_id)
        except ValidationError as error:
            context["error"] = " ".join(error.message_dict.get("nodeId", error.messages))
            return context
        if start is None:
            context["error"] = "No such node in the lineage graph."
            return context
        view = lineage_graph(start=start, depth=depth, direction=direction,
                                            user=request.user)
        graph_sensitive_reads_record(request, view)
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
