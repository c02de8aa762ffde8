"""Reports in the API: generate one now, list and read stored ones, download the bytes
(each download an access event)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import RestrictedReadOnlyViewSet
from core.exceptions import ConflictError
from governance.api.serializers.reports import ReportSerializer
from governance.filters import ReportFilterSet
from governance.models import Report
from governance.services.reports import report_download, report_generate

__all__ = ["ReportViewSet"]


class ReportViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Stored reports; POST `{"template", "format", "parameters"}` generates one now."""

    queryset = Report.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]
    # Evidence: created, never changed or deleted.
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = report_generate(
            template_key=data["template"], parameters=data.get("parameters") or {},
            format=data["format"], actor=self.request.user)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        try:
            data, content_type, file_name = report_download(report=report, request=request)
        except ValidationError as error:
            raise ConflictError(error.messages[0]) from error
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response
