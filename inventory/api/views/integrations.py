"""API views of integrations: webhooks and their delivery log, the CI/CD endpoints and the
export/import exchange.

CI/CD endpoints for pipelines, under `/api/v1/cicd/`:

    POST cicd/model-versions/                 register a version
    POST cicd/model-versions/<id>/metrics/    attach metrics (observations)
    POST cicd/model-versions/<id>/promotion/  request a stage change (versions service)
    POST cicd/deployments/                    report a deployment (create or update)

A pipeline authenticates with its API token (`manage.py issue_api_token <user>`, sent as
`Authorization: Bearer <token>`) and should send an `Idempotency-Key` header on every
call: a retry with the same key and body gets the first answer back (with
`Idempotent-Replayed: true`) instead of a duplicate; the same key with another body is
a 409. The views only translate: each calls one service inside `idempotent_call`.

Export and import of the inventory:

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

from abc import ABCMeta, abstractmethod
from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filtering import GENERIC_PARAMETERS
from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from core.audit import audit_context
from core.choices import AccessAction
from core.permissions import user_can
from core.services.audit import access_event_record
from core.services.idempotency import (
    idempotent_call,
    request_fingerprint,
)
from inventory.api.serializers.deployments import DeploymentSerializer, MetricObservationSerializer
from inventory.api.serializers.integrations import (
    DeploymentReportSerializer,
    MetricsSerializer,
    PromotionSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from inventory.api.serializers.versions import ModelVersionSerializer
from inventory.api.views.catalogue import CSVRenderer
from inventory.api.views.versions import _version_data as version_service_data
from inventory.models import Deployment, MLModel, ModelVersion, Webhook, WebhookDelivery
from inventory.services import integrations, versions
from inventory.services.deployments import deployment_report, metric_observations_record

__all__ = [
    "IDEMPOTENCY_HEADER",
    "CSVTextParser",
    "DeploymentReportView",
    "IdempotentView",
    "InventoryExportView",
    "InventoryImportView",
    "MetricsAttachView",
    "PromotionRequestView",
    "VersionRegisterView",
    "WebhookDeliveryViewSet",
    "WebhookViewSet",
]


class WebhookDeliveryViewSet(RestrictedReadOnlyViewSet):
    """The delivery log: every event sent to every webhook, with each HTTP attempt."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliverySerializer
    filterset_fields = ["webhook", "event", "status"]
    ordering_fields = ["created_at"]


class WebhookViewSet(GovernedViewSet):
    """Receivers of registry events, signed with HMAC-SHA256 (README: webhooks)."""

    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    filterset_fields = ["active"]
    ordering_fields = ["name"]
    create_service = staticmethod(integrations.webhook_create)
    update_service = staticmethod(integrations.webhook_update)
    delete_service = staticmethod(integrations.webhook_delete)
    instance_argument = "webhook"

    def create(self, request, *args, **kwargs):
        """The secret is shown once, in the answer to its creation (write-only after)."""
        response = super().create(request, *args, **kwargs)
        response.data["secret"] = Webhook.objects.get(pk=response.data["id"]).secret
        return response


IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotentView(APIView, metaclass=ABCMeta):
    """POST handled once per Idempotency-Key: `perform()` returns (status, body)."""

    permission_classes = [IsAuthenticated]
    scope = ""

    def post(self, request: Request, **kwargs: Any) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        fingerprint = request_fingerprint(method="POST", path=request.path, data=request.data)
        # A key reused for another request raises IdempotencyConflict: a 409 (ConflictError).
        outcome = idempotent_call(user=request.user, scope=self.scope, key=key,
                                  fingerprint=fingerprint,
                                  perform=lambda: self.perform(request, **kwargs))
        response = Response(outcome.body, status=outcome.status)
        if key is not None:
            response[IDEMPOTENCY_HEADER] = key
            response["Idempotent-Replayed"] = "true" if outcome.replayed else "false"
        return response

    @abstractmethod
    def perform(self, request: Request, **kwargs: Any) -> tuple[int, Any]:
        """Do the work once; the (status, body) is stored for replays of the same key."""

    @staticmethod
    def reason(request: Request, default: str) -> str:
        data = request.data if hasattr(request.data, "get") else {}
        return str(data.get("change_reason") or data.get("reason") or default)[:500]

    @staticmethod
    def visible(model: type[Model], request: Request, pk) -> Model:
        """The row if the user may see it; 404 otherwise (never 403: it stays hidden)."""
        obj = model.objects.restrict(request.user, "view").filter(pk=pk).first()
        if obj is None:
            raise NotFound()
        return obj


# --------------------------------------------------------------------------------------
# Register a version
# --------------------------------------------------------------------------------------
class VersionRegisterView(IdempotentView):
    """Register the next version of a model (by `model` id or `model_name`)."""

    scope = "cicd.model_version_register"
    serializer_class = ModelVersionSerializer

    def perform(self, request: Request, **kwargs: Any) -> tuple[int, Any]:
        if not user_can(request.user, "add", model=ModelVersion):
            raise PermissionDenied("You may not register model versions.")
        raw = request.data
        data = raw.dict() if hasattr(raw, "dict") else dict(raw) if hasattr(raw, "keys") else {}
        name = data.pop("model_name", None)
        if "model" not in data and name:
            model = (MLModel.objects.restrict(request.user, "change")
                     .filter(name__iexact=str(name)).first())
            if model is None:
                raise serializers.ValidationError({"model_name": [
                    f"No model named “{name}” that you may register versions of."]})
            data["model"] = model.pk
        serializer = ModelVersionSerializer(data=data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("change_reason", None)
        model = values.pop("model")
        # The same serializer shape → service arguments as POST /model-versions/ (links).
        values = version_service_data(values)
        reason = self.reason(request, "Registered by a CI/CD pipeline")
        with audit_context(user=request.user, reason=reason):
            version = versions.model_version_register(model=model, actor=request.user,
                                                       reason=reason, data=values)
        return status.HTTP_201_CREATED, ModelVersionSerializer(
            version, context={"request": request}).data


class MetricsAttachView(IdempotentView):
    """Record metric observations of a version (what the decay trigger reads)."""

    scope = "cicd.metrics_attach"
    serializer_class = MetricsSerializer

    def perform(self, request: Request, pk: int, **kwargs: Any) -> tuple[int, Any]:
        # The right to report metrics of this model (`report_metrics_mlmodel`) is checked by
        # the service: a 403 for a visible model of another team.
        version = self.visible(ModelVersion, request, pk)
        body = MetricsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        deployment = None
        if values.get("deployment") is not None:
            deployment = Deployment.objects.restrict(request.user, "view").filter(
                pk=values["deployment"]).first()
            if deployment is None:
                raise serializers.ValidationError({"deployment": ["No such deployment."]})
        rows = metric_observations_record(
            version=version, actor=request.user, metrics=values["metrics"], kind=values["kind"],
            deployment=deployment, observed_at=values.get("observed_at"),
            source=values.get("source", ""))
        return status.HTTP_201_CREATED, {
            "model_version": version.pk,
            "observations": MetricObservationSerializer(rows, many=True).data}


class PromotionRequestView(IdempotentView):
    """Move a version to another stage through the versions state machine and its gates."""

    scope = "cicd.promotion"
    serializer_class = PromotionSerializer

    def perform(self, request: Request, pk: int, **kwargs: Any) -> tuple[int, Any]:
        from inventory.services.versions import model_version_transition

        version = self.visible(ModelVersion, request, pk)
        body = PromotionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"]
        with audit_context(user=request.user, reason=reason):
            version = model_version_transition(version=version,
                                               to_stage=body.validated_data["to_stage"],
                                               actor=request.user, reason=reason)
        return status.HTTP_200_OK, ModelVersionSerializer(
            version, context={"request": request}).data


class DeploymentReportView(IdempotentView):
    """Create or update the deployment of a version at an environment/region/segment."""

    scope = "cicd.deployment_report"
    serializer_class = DeploymentReportSerializer

    def perform(self, request: Request, **kwargs: Any) -> tuple[int, Any]:
        # The service checks `report_deployment_mlmodel` on the version's model (403) and
        # whether its stage may run in the environment (409, or recorded as unauthorised).
        body = DeploymentReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        version = ModelVersion.objects.restrict(request.user, "view").filter(
            pk=values.pop("model_version")).first()
        if version is None:
            raise serializers.ValidationError({"model_version": ["No such model version."]})
        reason = values.pop("change_reason", "") or "Reported by a CI/CD pipeline"
        deployment, created = deployment_report(version=version, actor=request.user,
                                                reason=reason, data=values)
        return (status.HTTP_201_CREATED if created else status.HTTP_200_OK,
                DeploymentSerializer(deployment).data)


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
                                     enum=list(integrations.SECTIONS))],
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
                    f"{', '.join(integrations.SECTIONS)}."]})
            text = integrations.inventory_export_csv(user=request.user, section=sections[0])
            access_event_record(request=request, action=AccessAction.EXPORT,
                                query=request.GET.urlencode(),
                                result_count=max(0, text.count("\n") - 1))
            response = HttpResponse(text, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="custodia-{sections[0]}.csv"')
            return response
        if wanted != "json":
            raise ValidationError({"format": ["json or csv."]})
        document = integrations.inventory_export(user=request.user, sections=sections or None)
        access_event_record(request=request, action=AccessAction.EXPORT,
                            query=request.GET.urlencode(),
                            result_count=sum(len(document[s]) for s in integrations.SECTIONS
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
            if section not in integrations.SECTIONS:
                raise ValidationError({"section": [
                    f"A CSV import names its section: ?section= one of "
                    f"{', '.join(integrations.SECTIONS)}."]})
            document = {section: integrations.parse_csv(request.data)}
        else:
            document = request.data
        with audit_context(user=request.user, reason=reason):
            report = integrations.inventory_import(document=document, actor=request.user,
                                               reason=reason, dry_run=dry_run)
        code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)
