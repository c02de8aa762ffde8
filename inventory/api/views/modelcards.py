"""A model version's model card as JSON, e.g. for a pipeline that refuses to promote a
version whose card misses sections."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from inventory.models import ModelVersion
from inventory.selectors.modelcards import model_card, model_card_versions

__all__ = ["ModelVersionCardView"]


class ModelVersionCardView(APIView):
    """`GET model-versions/<id>/model-card/`: the card's sections, each complete or not."""

    permission_classes = [CustodiaPermission]
    queryset = ModelVersion.objects.all()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        visible = ModelVersion.objects.restrict(request.user, "view").values("pk")
        version = model_card_versions().filter(pk__in=visible, pk=pk).first()
        if version is None:
            raise Http404
        return Response(model_card(version, user=request.user).as_dict())
