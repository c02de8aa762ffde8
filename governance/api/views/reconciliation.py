"""Reconciliation in the API: findings (read, and worked on by people), listings of reality
(POSTed as JSON or uploaded as a file), and starting a run now."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.serializers import JobRunSerializer
from core.api.viewsets import RestrictedReadOnlyViewSet
from governance.api.serializers.reconciliation import (
    FindingSerializer,
    FindingWorkSerializer,
    RealityListingSerializer,
)
from governance.filters import FindingFilterSet, RealityListingFilterSet
from governance.models import Finding, RealityListing
from governance.services.reconciliation import (
    finding_update,
    reality_listing_create,
    reality_listing_items_from_file,
    reconciliation_submit,
)

__all__ = ["FindingViewSet", "RealityListingViewSet", "ReconciliationRunView"]


class FindingViewSet(RestrictedReadOnlyViewSet):
    """Reconciliation findings: opened, reopened and closed by reconciliation; people set
    "being fixed" or "marked fixed", the owner and the due date with `POST .../work`."""

    queryset = Finding.objects.all()
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]

    def get_permissions(self):
        if self.action == "work":
            self.permission_action = "work_finding"
        return super().get_permissions()

    @extend_schema(request=FindingWorkSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def work(self, request, pk=None):
        finding = self.get_object()
        serializer = FindingWorkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        finding = finding_update(finding=finding, actor=request.user, reason=data["reason"],
                                 status=data.get("status"), owner=data.get("owner"),
                                 due_on=data.get("due_on"))
        return Response(FindingSerializer(finding).data)


class RealityListingViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """What platforms report: deployment reports, serving-platform listings and
    artifact-store listings. Reconciliation reads the latest listing of each source."""

    queryset = RealityListing.objects.all()
    serializer_class = RealityListingSerializer
    filterset_class = RealityListingFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Evidence: received, never changed or deleted.
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        upload = data.get("file")
        items = (reality_listing_items_from_file(upload) if upload is not None
                 else [dict(item) for item in data.get("items", [])])
        serializer.instance = reality_listing_create(
            actor=self.request.user, kind=data["kind"], source=data.get("source", ""),
            items=items, file_name=upload.name if upload is not None else "")


class ReconciliationRunView(APIView):
    """`POST reconciliation/run`: start a reconciliation now (202 with the job run; follow
    it at `/api/v1/job-runs/<id>/`). Needs the right to run reconciliation."""

    permission_classes = [CustodiaPermission]
    queryset = Finding.objects.all()
    permission_action = "run_reconciliation"

    @extend_schema(request=None, responses={202: OpenApiResponse(JobRunSerializer)})
    def post(self, request):
        run = reconciliation_submit(actor=request.user, reason="Started through the API")
        return Response(JobRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
