"""The lineage graph page: the graph around a node (an interactive picture, plus the same
nodes and edges as tables), read exactly as the API serves it (`lineage.selectors.graph`),
and the search that finds a node by name (as-you-type suggestions through htmx).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import TemplateView, View

from core.choices import AccessAction
from core.services.audit import access_event_record
from core.views.generic import RestrictedViewMixin
from lineage.api.serializers.graph import node_summary
from lineage.choices import Direction, NodeType
from lineage.models import LineageNode
from lineage.selectors.graph import (
    GraphView,
    latest_model_node,
    lineage_graph,
    node_by_id,
    node_search,
    visibility_mark,
)
from lineage.services.graph import graph_sensitive_reads_record

__all__ = ["DIRECTIONS", "LineageGraphView", "LineageNodeSearchView", "search_results"]

SEARCH_MIN, SEARCH_MAX = 2, 100

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
        query = request.GET.get("q", "").strip()
        if query:  # the search form without JavaScript: the matches as a list
            context["search"] = search_results(request, query)
            return context
        if not node_id:
            start = latest_model_node(request.user)
            if start is None:
                return context
            context.update({"node_id": start.node_id, "opened_on_latest": True})
        else:
            try:
                start = node_by_id(node_id)
            except ValidationError as error:
                context["error"] = " ".join(error.message_dict.get("nodeId", error.messages))
                return context
            if start is None:
                context["error"] = (f"No such node in the lineage graph: “{node_id}”. "
                                    "Search for it by name above.")
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


def search_results(request: HttpRequest, query: str) -> dict:
    """Matches of `query` as the page lists them (what the user may see of each node), or
    the reason the query cannot be searched. A search is an access event."""
    query = query.strip()
    if len(query) > SEARCH_MAX:
        return {"query": query[:SEARCH_MAX], "results": [], "hint": "",
                "error": f"A search is at most {SEARCH_MAX} characters of a dataset, job or "
                         "model name."}
    if len(query) < SEARCH_MIN:  # still typing: a hint, not an error
        return {"query": query, "results": [], "error": "",
                "hint": f"Type at least {SEARCH_MIN} characters of a dataset, job or "
                        "model name."}
    nodes = node_search(query=query, user=request.user)
    view = GraphView(nodes=nodes, edges=[], depths={})
    visibility_mark(view, request.user)
    access_event_record(request=request, action=AccessAction.SEARCH,
                        query=f"lineage q={query}", result_count=len(nodes))
    return {"query": query, "error": "", "hint": "",
            "results": [node_summary(node, view) for node in nodes]}


class LineageNodeSearchView(RestrictedViewMixin, View):
    """`GET ?q=<part of a name>`: the suggestions under the lineage page's search box
    (an HTML fragment for htmx); a query too long is a 400 saying why, one too short a
    hint to type more."""

    model = LineageNode

    def get(self, request: HttpRequest) -> HttpResponse:
        search = search_results(request, request.GET.get("q", ""))
        return render(request, "lineage/_node_search.html", {"search": search},
                      status=400 if search["error"] else 200)
