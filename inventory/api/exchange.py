"""Export and import of the inventory over the API (issue 4, item 9).

    GET  /api/v1/exchange/export/?section=models&section=datasets   JSON document
    GET  /api/v1/exchange/export/?section=models&format=csv         one section as CSV
    POST /api/v1/exchange/import/                                   JSON document
    POST /api/v1/exchange/import/?section=models   (Content-Type: text/csv)  CSV rows
         ?dry_run=true checks and reports without writing.

An export is recorded in the access log (an export is a bulk read). An import answers
200 with its report when written (or a dry run), and 400 with the same report, listing
each bad row's errors, when any row was refused and nothing was written.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import GENERIC_PARAMETERS
from core.audit import audit_context
from core.choices import AccessAction
from core.services.audit import access_event_record
from inventory.api.views import CSVRenderer
from inventory.services import exchange

__all__ = ["InventoryExportView", "InventoryImportView"]


class CSVTextParser(BaseParser):
    """Accepts `text/csv` bodies as text (the import view parses the rows)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        return stream.read().decode("utf-8-sig")


def _refuse_unknown(request: Request, known: set[str]) -> None:
    from rest_framework.exceptions import ValidationError

    unknown = sorted(set(request.query_params) - known - GENERIC_PARAMETERS)
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})


class InventoryExportView(APIView):
    """The inventory the caller may see, as `custodia.inventory/v1` JSON or CSV."""

    permission_classes = [IsAuthenticated]
    # `?format=csv` must pass content negotiation; the CSV body itself is built below.
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("section", str, many=True,
                                     enum=list(exchange.SECTIONS))],
        responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response | HttpResponse:
        from rest_framework.exceptions import ValidationError

        _refuse_unknown(request, {"section"})
        sections = request.query_params.getlist("section")
        wanted = request.query_params.get("format", "json")
        if wanted == "csv":
            if len(sections) != 1:
                raise ValidationError({"section": [
                    "A CSV export holds one section: add ?section= one of "
                    f"{', '.join(exchange.SECTIONS)}."]})
            text = exchange.inventory_export_csv(user=request.user, section=sections[0])
            access_event_record(request=request, action=AccessAction.EXPORT,
                                query=request.GET.urlencode(),
                                result_count=max(0, text.count("\n") - 1))
            response = HttpResponse(text, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="custodia-{sections[0]}.csv"')
            return response
        if wanted != "json":
            raise ValidationError({"format": ["json or csv."]})
        document = exchange.inventory_export(user=request.user, sections=sections or None)
        access_event_record(request=request, action=AccessAction.EXPORT,
                            query=request.GET.urlencode(),
                            result_count=sum(len(document[s]) for s in exchange.SECTIONS
                                             if s in document))
        return Response(document)


class InventoryImportView(APIView):
    """Import a document (all rows or none); the report lists every refused row."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, CSVTextParser]

    @extend_schema(
        parameters=[OpenApiParameter("section", str), OpenApiParameter("dry_run", bool),
                    OpenApiParameter("change_reason", str)],
        request={"application/json": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        from rest_framework.exceptions import ValidationError

        _refuse_unknown(request, {"section", "dry_run", "change_reason"})
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        reason = request.query_params.get("change_reason") or "Imported from an inventory export"
        if isinstance(request.data, str):
            section = request.query_params.get("section", "")
            if section not in exchange.SECTIONS:
                raise ValidationError({"section": [
                    f"A CSV import names its section: ?section= one of "
                    f"{', '.join(exchange.SECTIONS)}."]})
            document = {section: exchange.parse_csv(request.data)}
        else:
            document = request.data
        with audit_context(user=request.user, reason=reason):
            report = exchange.inventory_import(document=document, actor=request.user,
                                               reason=reason, dry_run=dry_run)
        code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)
