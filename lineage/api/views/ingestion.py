"""The OpenLineage endpoint, `/api/v1/lineage`: `POST` one RunEvent (ingestion), `GET` the
graph around a node in Marquez's shape (a read of `lineage.selectors.graph`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from lineage.api.serializers.graph import marquez_graph
from lineage.api.views.graph import NODE_ID, int_param, node_param, refuse_unknown_params
from lineage.choices import Direction
from lineage.models import LineageNode
from lineage.selectors.graph import MAX_DEPTH, lineage_graph
from lineage.services.graph import graph_sensitive_reads_record
from lineage.services.ingestion import openlineage_event_ingest

__all__ = ["LineageView"]


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
        refuse_unknown_params(request, {"nodeId", "depth", "direction", "format"})
        depth = int_param(request, "depth", 20, 0, MAX_DEPTH)
        direction = request.query_params.get("direction", Direction.BOTH)
        if direction not in (Direction.UPSTREAM, Direction.DOWNSTREAM,
                             Direction.BOTH):
            raise ValidationError({"direction": ["Choose upstream, downstream or both."]})
        node = node_param(request)
        view = lineage_graph(start=node, depth=depth, direction=direction,
                                            user=request.user)
        graph_sensitive_reads_record(request, view)
        return Response(marquez_graph(view))
