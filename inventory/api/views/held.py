"""Held storage in the API: upload a version's bytes, or copy them in from an allowed folder.

`POST dataset-versions/<id>/upload/` and `model-versions/<id>/upload/` take the file as the
raw request body (`Content-Type: application/octet-stream`), streamed into held storage
while hashing; `sha256`, `filename` and `change_reason` come as query parameters.
`POST .../copy-in/` queues the copy-in job and answers 202 with its JobRun.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import CustodiaPermission
from core.storage import CHUNK_BYTES, UploadTooLarge, max_upload_bytes
from inventory.models import DatasetVersion, ModelVersion
from inventory.services.held import held_copy_in_submit, held_file_store, held_target_check

__all__ = ["DatasetVersionCopyInView", "DatasetVersionUploadView", "ModelVersionCopyInView",
           "ModelVersionUploadView"]


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class RawBodyParser:
    """Declares the accepted media type; the view reads the body stream itself."""

    media_type = "application/octet-stream"


def _body_chunks(request):
    """The raw body in 1 MiB blocks, straight from the WSGI stream (no buffer, no file)."""
    stream = request._request
    while True:
        block = stream.read(CHUNK_BYTES)
        if not block:
            return
        yield block


class _HeldDoor(APIView):
    permission_classes = [CustodiaPermission]
    permission_action = "change"
    queryset = None  # set by subclasses

    def target(self, request, pk: int):
        related = "dataset" if self.queryset.model is DatasetVersion else "model"
        target = get_object_or_404(self.queryset.model.objects.restrict(request.user, "view")
                                   .select_related(related), pk=pk)
        held_target_check(target=target, actor=request.user)
        return target


class _UploadView(_HeldDoor):
    parser_classes = [RawBodyParser]

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY}, responses=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("sha256", str, description="Expected SHA-256 (optional)."),
                    OpenApiParameter("filename", str, description="Original file name."),
                    OpenApiParameter("change_reason", str, required=True)])
    def post(self, request, pk: int):
        if request.content_type.split(";")[0].strip() != "application/octet-stream":
            raise exceptions.UnsupportedMediaType(
                request.content_type, "Send the file as the raw body, with Content-Type "
                "application/octet-stream.")
        target = self.target(request, pk)  # 404, 403 and 409 before a byte is read
        length = _content_length(request)
        limit = max_upload_bytes()
        if length is not None and length > limit:
            raise PayloadTooLarge(f"The file is larger than the {limit:,} bytes allowed.")
        params = request.query_params
        try:
            stored = held_file_store(
                target=target, actor=request.user, reason=params.get("change_reason", ""),
                sha256=params.get("sha256", ""), filename=params.get("filename", "upload"),
                chunks=_body_chunks(request))
        except UploadTooLarge as error:
            raise PayloadTooLarge(str(error)) from error
        return Response(_summary(stored), status=status.HTTP_201_CREATED)


class _CopyInRequest(serializers.Serializer):
    source = serializers.CharField(max_length=1000, help_text="A file:// URI under an allowed folder.")
    sha256 = serializers.CharField(max_length=64, required=False, allow_blank=True)
    change_reason = serializers.CharField(max_length=500)


class _CopyInView(_HeldDoor):
    parser_classes = [JSONParser]

    @extend_schema(request=_CopyInRequest, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        data = _CopyInRequest(data=request.data)
        data.is_valid(raise_exception=True)
        target = self.target(request, pk)
        run = held_copy_in_submit(target=target, actor=request.user,
                                  reason=data.validated_data["change_reason"],
                                  source=data.validated_data["source"],
                                  sha256=data.validated_data.get("sha256", ""))
        return Response({"jobRunId": run.pk, "status": run.status,
                         "url": request.build_absolute_uri(
                             reverse("core:jobrun_detail", args=[run.pk]))},
                        status=status.HTTP_202_ACCEPTED)


def _content_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _summary(target) -> dict:
    if isinstance(target, DatasetVersion):
        return {"datasetVersionId": target.pk, "uri": target.uri, "sha256": target.sha256,
                "size": target.size}
    return {"modelVersionId": target.pk, "uri": target.artifact_uri,
            "sha256": target.artifact_sha256, "size": target.artifact_size}


class DatasetVersionUploadView(_UploadView):
    """Upload a held dataset version's file (needs `change` on the dataset version)."""

    queryset = DatasetVersion.objects.all()


class ModelVersionUploadView(_UploadView):
    """Upload a model version's artefact into held storage (needs `change` on the version)."""

    queryset = ModelVersion.objects.all()


class DatasetVersionCopyInView(_CopyInView):
    """Queue a copy of a `file://` source into a held dataset version."""

    queryset = DatasetVersion.objects.all()


class ModelVersionCopyInView(_CopyInView):
    """Queue a copy of a `file://` source into a model version's held artefact."""

    queryset = ModelVersion.objects.all()

