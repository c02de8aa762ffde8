"""CycloneDX 1.6 ML-BOM exports: one model version, or every version the caller may see."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from core.choices import AccessAction
from core.services.audit import access_event_record
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from inventory.selectors.mlbom import ml_bom, ml_bom_versions

__all__ = ["CYCLONEDX_JSON", "InventoryMlBomView", "ModelVersionMlBomView", "ml_bom_response"]

CYCLONEDX_JSON = "application/vnd.cyclonedx+json; version=1.6"


def ml_bom_response(document: dict, filename: str | None = None) -> HttpResponse:
    """The document with CycloneDX's media type (an attachment when `filename` is given)."""
    response = HttpResponse(json.dumps(document, indent=2), content_type=CYCLONEDX_JSON)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ModelVersionMlBomView(APIView):
    """`GET model-versions/<id>/ml-bom/`: the version's ML-BOM (404 if not visible)."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()

    @extend_schema(responses={(200, CYCLONEDX_JSON): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        visible = ModelVersion.objects.restrict(request.user, "view").values("pk")
        version = ml_bom_versions().filter(pk__in=visible, pk=pk).first()
        if version is None:
            raise Http404
        document = ml_bom([version], user=request.user, subject=str(version))
        access_event_record(request=request, action=AccessAction.EXPORT, obj=version,
                            query="ML-BOM (CycloneDX 1.6)", result_count=1)
        return ml_bom_response(document)


class InventoryMlBomView(APIView):
    """`GET ml-bom/?stage=production`: every model version the caller may see (optionally
    of some stages), with their data, environments and external dependencies."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()

    @extend_schema(parameters=[OpenApiParameter("stage", str, many=True,
                                                enum=list(ModelStage.values))],
                   responses={(200, CYCLONEDX_JSON): OpenApiTypes.OBJECT})
    def get(self, request):
        unknown = set(request.query_params) - {"stage"}
        if unknown:
            raise ValidationError({name: ["Unknown parameter: the ML-BOM is filtered by stage "
                                          "only."] for name in sorted(unknown)})
        stages = request.query_params.getlist("stage")
        if wrong := [s for s in stages if s not in ModelStage.values]:
            raise ValidationError({"stage": [f"Unknown stage {', '.join(wrong)}; one of "
                                             f"{', '.join(ModelStage.values)}."]})
        versions = ml_bom_versions().filter(
            pk__in=ModelVersion.objects.restrict(request.user, "view").values("pk"))
        if stages:
            versions = versions.filter(stage__in=stages)
        versions = list(versions)
        document = ml_bom(versions, user=request.user, subject="inventory")
        access_event_record(request=request, action=AccessAction.EXPORT,
                            query="ML-BOM (CycloneDX 1.6) " + request.GET.urlencode(),
                            result_count=len(versions))
        return ml_bom_response(document)
