"""Graph reads of the lineage API: impact analysis, paths, external dependencies, and the
query-parameter helpers every graph read shares (the Marquez-shaped `GET /api/v1/lineage`
itself is served by the OpenLineage endpoint in `lineage.api.views.ingestion`).

Views translate and delegate (`lineage.selectors.graph`, `lineage.services.graph`);
errors use the project's one JSON error shape (a Django `ValidationError` becomes a 400
naming the field).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from core.permissions import user_can
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from lineage.api.serializers.graph import ExternalDependencySerializer, ImpactSerializer, node_summary
from lineage.models import LineageNode
from lineage.selectors.graph import (
    MAX_DEPTH,
    GraphView,
    impact_analysis,
    node_by_id,
    nodes_path,
    visibility_mark,
)
from lineage.services.graph import external_dependency_link

__all__ = ["NODE_ID", "ExternalDependencyView", "ImpactView", "PathView", "int_param", "node_param",
           "refuse_unknown_params"]

NODE_ID = OpenApiParameter("nodeId", OpenApiTypes.STR, required=True,
                           description="<type>:<namespace>:<name>")


def int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["Must be a whole number."]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [f"Must be between {low} and {high}."]})
    return value


def refuse_unknown_params(request, known: set[str]) -> None:
    """A misspelt parameter is an error, not silently ignored (like StrictFilterBackend)."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})


def node_param(request, param: str = "nodeId") -> LineageNode:
    node_id = request.query_params.get(param)
    if not node_id:
        raise ValidationError({param: ["Required: <type>:<namespace>:<name>."]})
    node = node_by_id(node_id)
    if node is None:
        raise ValidationError({param: ["No such node in the lineage graph."]})
    return node


class ImpactView(APIView):
    """`GET ?nodeId=...&depth=N&stage=production`: model versions downstream of a node
    (a dataset version, a vendor API...) through any number of hops."""

    permission_classes = [CustodiaPermission]
    queryset = LineageNode.objects.all()

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[
        NODE_ID,
        OpenApiParameter("depth", OpenApiTypes.INT, required=False, description="1-50"),
        OpenApiParameter("stage", OpenApiTypes.STR, required=False,
                         description="model stage, repeatable; default production")])
    def get(self, request):
        refuse_unknown_params(request, {"nodeId", "depth", "stage", "format"})
        depth = int_param(request, "depth", MAX_DEPTH, 1, MAX_DEPTH)
        stages = tuple(request.query_params.getlist("stage")) or (ModelStage.PRODUCTION,)
        unknown = [s for s in stages if s not in ModelStage.values]
        if unknown:
            raise ValidationError({"stage": [f"Unknown stage: {', '.join(unknown)}."]})
        node = node_param(request)
        versions = impact_analysis(start=node, user=request.user, depth=depth,
                                                  stages=stages)
        return Response({"nodeId": node.node_id, "stages": list(stages),
                         "modelVersions": ImpactSerializer(versions, many=True).data})


class PathView(APIView):
    """`GET ?from=<nodeId>&to=<nodeId>&depth=N`: a shortest path between two nodes."""

    permission_classes = [CustodiaPermission]
    queryset = LineageNode.objects.all()

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[
        OpenApiParameter("from", OpenApiTypes.STR, required=True,
                         description="<type>:<namespace>:<name>"),
        OpenApiParameter("to", OpenApiTypes.STR, required=True,
                         description="<type>:<namespace>:<name>"),
        OpenApiParameter("depth", OpenApiTypes.INT, required=False, description="1-50")])
    def get(self, request):
        refuse_unknown_params(request, {"from", "to", "depth", "format"})
        depth = int_param(request, "depth", 10, 1, MAX_DEPTH)
        source, target = node_param(request, "from"), node_param(request, "to")
        nodes = nodes_path(source=source, target=target, depth=depth)
        view = GraphView(nodes=nodes, edges=[], depths={})
        visibility_mark(view, request.user)
        return Response({"from": source.node_id, "to": target.node_id, "found": bool(nodes),
                         "path": [node_summary(n, view) for n in nodes]})


class ExternalDependencyView(APIView):
    """`POST lineage/external-dependencies` `{"model_version": id, "name": ..., "vendor": ...}`:
    record that a model version calls a third-party API or service (a graph node with its
    vendor, so impact analysis answers "which production models depend on this vendor?").
    Needs `change` on the model version."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()
    permission_action = "change"

    @extend_schema(request=ExternalDependencySerializer,
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        body = ExternalDependencySerializer(data=request.data,
                                                        context={"request": request})
        body.is_valid(raise_exception=True)
        version = body.validated_data["model_version"]
        if not user_can(request.user, "change", version):
            raise PermissionDenied("Recording a dependency needs the right to change this "
                                   "model version.")
        node = external_dependency_link(
            model_version=version, name=body.validated_data["name"],
            vendor=body.validated_data["vendor"], actor=request.user,
            reason=body.validated_data.get("change_reason") or "Recorded through the API")
        return Response({"nodeId": node.node_id, "vendor": node.vendor},
                        status=status.HTTP_201_CREATED)
