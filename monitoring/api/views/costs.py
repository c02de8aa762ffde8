"""API of costs.

    GET/POST /api/v1/cost-records/            list, record one cost (JSON)
    POST     /api/v1/cost-records/upload/     a CSV bill (text/csv body, or a multipart `file`)
    GET      /api/v1/cost-reports/<YYYY-MM>/  the month by business unit, team and model
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.viewsets import GovernedViewSet
from inventory.api.views.integrations import CSVTextParser
from inventory.models import MLModel
from monitoring.api.serializers.costs import CostRecordSerializer
from monitoring.filters import CostRecordFilterSet
from monitoring.models import CostRecord
from monitoring.selectors.costs import cost_allocation
from monitoring.services.costs import cost_records_import, parse_month

__all__ = ["CostRecordViewSet", "CostReportView", "allocation_as_dict"]


class CostRecordViewSet(GovernedViewSet):
    """Cost of a model, a deployment or shared infrastructure in a month."""

    queryset = CostRecord.objects.all()
    serializer_class = CostRecordSerializer
    filterset_class = CostRecordFilterSet
    ordering_fields = ["month", "amount", "created_at"]

    @extend_schema(request={"text/csv": OpenApiTypes.STR}, responses={201: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="upload",
            parser_classes=[CSVTextParser, MultiPartParser])
    def upload(self, request: Request) -> Response:
        """Store every row of a CSV bill, or none (400 listing each bad row)."""
        if "file" in request.FILES:
            upload = request.FILES["file"]
            filename = upload.name
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError({"file": ["The file is not UTF-8 text."]}) from error
        elif isinstance(request.data, str):
            text, filename = request.data, request.query_params.get("filename", "")
        else:
            raise ValidationError({"file": ["Send the CSV as a text/csv body or as the "
                                             "multipart field “file”."]})
        reason = request.query_params.get("change_reason") or "Cost records uploaded"
        records = cost_records_import(actor=request.user, reason=reason, text=text,
                                      filename=filename)
        total = sum(record.amount for record in records)
        return Response({"stored": len(records), "total": str(total)},
                        status=status.HTTP_201_CREATED)

    extra_query_parameters = ("change_reason", "filename")


def allocation_as_dict(allocation) -> dict:
    return {
        "month": allocation.month.strftime("%Y-%m"), "currency": allocation.currency,
        "recorded_total": str(allocation.recorded_total),
        "allocated_total": str(allocation.allocated_total),
        "shared_total": str(allocation.shared_total),
        "business_units": [{
            "business_unit": unit.business_unit, "direct": str(unit.direct),
            "shared": str(unit.shared), "total": str(unit.total),
            "lines": [{"team": line.team, "model": line.model_name, "project": line.project,
                       "category": line.category, "direct": str(line.direct),
                       "shared": str(line.shared), "total": str(line.total)}
                      for line in unit.lines]} for unit in allocation.business_units]}


class CostReportView(APIView):
    """A month's costs attributed to business units, teams, models and projects; shared
    costs split by request volume. `allocated_total` always equals `recorded_total`."""

    queryset = CostRecord.objects.all()  # the permission class reads the model from it

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, month: str) -> Response:
        try:
            first_day = parse_month(month)
        except ValidationError as error:
            raise ValidationError({"month": error.messages}) from error
        visible = set(MLModel.objects.restrict(request.user, "view").values_list("pk", flat=True))
        return Response(allocation_as_dict(cost_allocation(first_day,
                                                           visible_model_ids=visible)))
