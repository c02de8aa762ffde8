"""Lineage API: OpenLineage ingestion and Marquez-shaped graph reads at `/api/v1/lineage`,
impact analysis, paths, reproducibility records and integrity findings.

Views translate and delegate (`lineage.services`); errors use the project's one JSON
error shape (a Django `ValidationError` becomes a 400 naming the field).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import RestrictedReadOnlyViewSet
from core.permissions import user_can
from inventory.choices import ModelStage
from inventory.models import DatasetVersion, ModelVersion
from lineage import graph
from lineage.api import serializers
from lineage.filters import IntegrityFindingFilterSet
from lineage.models import IntegrityFinding, LineageNode
from lineage.services import graph as graph_services
from lineage.services.integrity import dataset_version_verify
from lineage.services.openlineage import openlineage_event_ingest
from lineage.services.reproducibility import reproducibility_reads_record, reproducibility_record

NODE_ID = OpenApiParameter("nodeId", OpenApiTypes.STR, required=True,
                           description="<type>:<namespace>:<name>")


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
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


def _refuse_unknown(request, known: set[str]) -> None:
    """A misspelt parameter is an error, not silently ignored (like StrictFilterBackend)."""
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})


def _node(request, param: str = "nodeId") -> LineageNode:
    node_id = request.query_params.get(param)
    if not node_id:
        raise ValidationError({param: ["Required: <type>:<namespace>:<name>."]})
    node = graph_services.node_by_id(node_id)
    if node is None:
        raise ValidationError({param: ["No such node in the lineage graph."]})
    return node


class LineageView(APIView):
    """`POST`: one OpenLineage RunEvent (the HTTP transport's default path and body).
    `GET ?nodeId=<type>:<namespace>:<name>&depth=N[&direction=upstream|downstream|both]`:
    the graph around a node in Marquez's shape, `{"graph": [{id, type, data, inEdges,
    outEdges}]}`."""

    permission_classes = [CustodiaPermission]
    queryset = LineageNode.objects.all()
    filter_backends: list = []
    extra_query_parameters = ("nodeId", "depth", "direction")

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT,
                                                            200: OpenApiTypes.OBJECT},
                   description="One OpenLineage RunEvent (JSON).")
    def post(self, request):
        result = openlineage_event_ingest(payload=request.data, actor=request.user)
        return Response({"id": result.event.pk, "created": result.created},
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[
        NODE_ID,
        OpenApiParameter("depth", OpenApiTypes.INT, required=False, description="0-50, default 20"),
        OpenApiParameter("direction", OpenApiTypes.STR, required=False,
                         description="upstream, downstream or both")])
    def get(self, request):
        _refuse_unknown(request, {"nodeId", "depth", "direction", "format"})
        depth = _int_param(request, "depth", 20, 0, graph.MAX_DEPTH)
        direction = request.query_params.get("direction", graph.Direction.BOTH)
        if direction not in (graph.Direction.UPSTREAM, graph.Direction.DOWNSTREAM,
                             graph.Direction.BOTH):
            raise ValidationError({"direction": ["Choose upstream, downstream or both."]})
        node = _node(request)
        view = graph_services.lineage_graph(start=node, depth=depth, direction=direction,
                                            user=request.user)
        graph_services.graph_sensitive_reads_record(request, view)
        return Response(serializers.marquez_graph(view))


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
        _refuse_unknown(request, {"nodeId", "depth", "stage", "format"})
        depth = _int_param(request, "depth", graph.MAX_DEPTH, 1, graph.MAX_DEPTH)
        stages = tuple(request.query_params.getlist("stage")) or (ModelStage.PRODUCTION,)
        unknown = [s for s in stages if s not in ModelStage.values]
        if unknown:
            raise ValidationError({"stage": [f"Unknown stage: {', '.join(unknown)}."]})
        node = _node(request)
        versions = graph_services.impact_analysis(start=node, user=request.user, depth=depth,
                                                  stages=stages)
        return Response({"nodeId": node.node_id, "stages": list(stages),
                         "modelVersions": serializers.ImpactSerializer(versions, many=True).data})


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
        _refuse_unknown(request, {"from", "to", "depth", "format"})
        depth = _int_param(request, "depth", 10, 1, graph.MAX_DEPTH)
        source, target = _node(request, "from"), _node(request, "to")
        nodes = graph_services.nodes_path(source=source, target=target, depth=depth)
        view = graph_services.GraphView(nodes=nodes, edges=[], depths={})
        graph_services.visibility_mark(view, request.user)
        return Response({"from": source.node_id, "to": target.node_id, "found": bool(nodes),
                         "path": [serializers.node_summary(n, view) for n in nodes]})


class ReproducibilityView(APIView):
    """`GET lineage/reproducibility/<model version id>`: the exact data, code and
    environment of a model version, with what changed or is missing flagged."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        version = get_object_or_404(ModelVersion.objects.restrict(request.user, "view")
                                    .select_related("model"), pk=pk)
        record = reproducibility_record(model_version=version, user=request.user)
        reproducibility_reads_record(request, record)
        return Response(serializers.reproducibility_json(record))


class VerifyView(APIView):
    """`POST lineage/verify/<dataset version id>`: hash the bytes now (held files, readable
    `file://` locations; never a network fetch) and compare with the recorded checksum.
    Needs `change` on the dataset version; a mismatch raises a finding."""

    permission_classes = [CustodiaPermission]
    queryset = DatasetVersion.objects.all()
    permission_action = "change"

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        version = get_object_or_404(DatasetVersion.objects.restrict(request.user, "view")
                                    .select_related("dataset"), pk=pk)
        if not user_can(request.user, "change", version):
            raise PermissionDenied("Verifying needs the right to change this dataset version.")
        result = dataset_version_verify(version=version, actor=request.user,
                                        reason="Verified on demand through the API")
        return Response({"datasetVersionId": version.pk, "recordedSha256": version.sha256,
                         "observedSha256": result.observed_sha256, "size": result.size,
                         "matches": result.matches,
                         "findingId": result.finding.pk if result.finding else None})


class ExternalDependencyView(APIView):
    """`POST lineage/external-dependencies` `{"model_version": id, "name": ..., "vendor": ...}`:
    record that a model version calls a third-party API or service (a graph node with its
    vendor, so impact analysis answers "which production models depend on this vendor?").
    Needs `change` on the model version."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()
    permission_action = "change"

    @extend_schema(request=serializers.ExternalDependencySerializer,
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        body = serializers.ExternalDependencySerializer(data=request.data,
                                                        context={"request": request})
        body.is_valid(raise_exception=True)
        version = body.validated_data["model_version"]
        if not user_can(request.user, "change", version):
            raise PermissionDenied("Recording a dependency needs the right to change this "
                                   "model version.")
        node = graph_services.external_dependency_link(
            model_version=version, name=body.validated_data["name"],
            vendor=body.validated_data["vendor"], actor=request.user,
            reason=body.validated_data.get("change_reason") or "Recorded through the API")
        return Response({"nodeId": node.node_id, "vendor": node.vendor},
                        status=status.HTTP_201_CREATED)


class IntegrityFindingViewSet(RestrictedReadOnlyViewSet):
    """Integrity and residency findings (raised by jobs and checks, never by hand)."""

    queryset = IntegrityFinding.objects.all()
    serializer_class = serializers.IntegrityFindingSerializer
    filterset_class = IntegrityFindingFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]


__all__ = ["ExternalDependencyView", "ImpactView", "IntegrityFindingViewSet", "LineageView", "PathView",
           "ReproducibilityView", "VerifyView"]
