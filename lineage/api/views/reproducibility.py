"""The reproducibility record of a model version in the lineage API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from inventory.models import ModelVersion
from lineage.api.serializers.reproducibility import reproducibility_json
from lineage.selectors.reproducibility import reproducibility_record
from lineage.services.reproducibility import reproducibility_reads_record

__all__ = ["ReproducibilityView"]


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
        return Response(reproducibility_json(record))
