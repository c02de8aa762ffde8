"""Integrity in the lineage API: findings (read-only) and on-demand verification."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import RestrictedReadOnlyViewSet
from core.permissions import user_can
from inventory.models import DatasetVersion
from lineage.api.serializers.integrity import IntegrityFindingSerializer
from lineage.filters import IntegrityFindingFilterSet
from lineage.models import IntegrityFinding
from lineage.services.integrity import dataset_version_verify

__all__ = ["IntegrityFindingViewSet", "VerifyView"]


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


class IntegrityFindingViewSet(RestrictedReadOnlyViewSet):
    """Integrity and residency findings (raised by jobs and checks, never by hand)."""

    queryset = IntegrityFinding.objects.all()
    serializer_class = IntegrityFindingSerializer
    filterset_class = IntegrityFindingFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]
