"""CI/CD endpoints for pipelines (issue 4, item 8), under `/api/v1/cicd/`.

    POST cicd/model-versions/                 register a version
    POST cicd/model-versions/<id>/metrics/    attach metrics (observations)
    POST cicd/model-versions/<id>/promotion/  request a stage change (lifecycle service)
    POST cicd/deployments/                    report a deployment (create or update)

A pipeline authenticates with its API token (`manage.py issue_api_token <user>`, sent as
`Authorization: Bearer <token>`) and should send an `Idempotency-Key` header on every
call: a retry with the same key and body gets the first answer back (with
`Idempotent-Replayed: true`) instead of a duplicate; the same key with another body is
a 409. The views only translate: each calls one service inside `idempotent_call`.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

from django.db.models import Model
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import Conflict
from core.audit import audit_context
from core.permissions import user_can
from core.services.idempotency import (
    IdempotencyConflict,
    idempotent_call,
    request_fingerprint,
)
from inventory.api.lifecycle import DeploymentSerializer, MetricObservationSerializer
from inventory.api.serializers import ModelVersionSerializer
from inventory.api.views import _version_data as version_service_data
from inventory.models import (
    Deployment,
    DeploymentEnvironment,
    DeploymentStatus,
    MetricKind,
    MetricObservation,
    MLModel,
    ModelVersion,
)
from inventory.services import catalogue
from inventory.services.deployments import deployment_report, metric_observations_record

__all__ = ["DeploymentReportView", "MetricsAttachView", "PromotionRequestView",
           "VersionRegisterView"]

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotentView(APIView, metaclass=ABCMeta):
    """POST handled once per Idempotency-Key: `perform()` returns (status, body)."""

    permission_classes = [IsAuthenticated]
    scope = ""

    def post(self, request: Request, **kwargs: Any) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        fingerprint = request_fingerprint(method="POST", path=request.path, data=request.data)
        try:
            outcome = idempotent_call(user=request.user, scope=self.scope, key=key,
                                      fingerprint=fingerprint,
                                      perform=lambda: self.perform(request, **kwargs))
        except IdempotencyConflict as error:
            raise Conflict(str(error)) from error
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
            version = catalogue.model_version_register(model=model, actor=request.user,
                                                       reason=reason, data=values)
        return status.HTTP_201_CREATED, ModelVersionSerializer(
            version, context={"request": request}).data


# --------------------------------------------------------------------------------------
# Attach metrics
# --------------------------------------------------------------------------------------
class MetricsSerializer(serializers.Serializer):
    metrics = serializers.DictField(child=serializers.FloatField(), allow_empty=False,
                                    help_text='Metric name → number, e.g. {"auc": 0.81}.')
    kind = serializers.ChoiceField(choices=MetricKind.choices, default=MetricKind.PERFORMANCE)
    deployment = serializers.IntegerField(required=False, allow_null=True)
    observed_at = serializers.DateTimeField(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=100)


class MetricsAttachView(IdempotentView):
    """Record metric observations of a version (what the decay trigger reads)."""

    scope = "cicd.metrics_attach"
    serializer_class = MetricsSerializer

    def perform(self, request: Request, pk: int, **kwargs: Any) -> tuple[int, Any]:
        version = self.visible(ModelVersion, request, pk)
        if not user_can(request.user, "add", model=MetricObservation):
            raise PermissionDenied("You may not record metrics.")
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


# --------------------------------------------------------------------------------------
# Request promotion (or any stage change the state machine allows)
# --------------------------------------------------------------------------------------
class PromotionSerializer(serializers.Serializer):
    to_stage = serializers.CharField(help_text="Target stage, e.g. staging or production.")
    reason = serializers.CharField(max_length=500, help_text="Why; kept in the history.")


class PromotionRequestView(IdempotentView):
    """Move a version to another stage through the lifecycle service and its gates."""

    scope = "cicd.promotion"
    serializer_class = PromotionSerializer

    def perform(self, request: Request, pk: int, **kwargs: Any) -> tuple[int, Any]:
        from inventory.services.lifecycle import model_version_transition

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


# --------------------------------------------------------------------------------------
# Report a deployment
# --------------------------------------------------------------------------------------
class DeploymentReportSerializer(serializers.Serializer):
    model_version = serializers.IntegerField()
    environment = serializers.ChoiceField(choices=DeploymentEnvironment.choices)
    region = serializers.CharField(required=False, allow_blank=True, max_length=40)
    segment = serializers.CharField(required=False, allow_blank=True, max_length=60)
    endpoint = serializers.CharField(required=False, allow_blank=True, max_length=500)
    status = serializers.ChoiceField(choices=DeploymentStatus.choices,
                                     default=DeploymentStatus.ACTIVE)
    deployed_at = serializers.DateTimeField(required=False, allow_null=True)
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DeploymentReportView(IdempotentView):
    """Create or update the deployment of a version at an environment/region/segment."""

    scope = "cicd.deployment_report"
    serializer_class = DeploymentReportSerializer

    def perform(self, request: Request, **kwargs: Any) -> tuple[int, Any]:
        if not user_can(request.user, "add", model=Deployment):
            raise PermissionDenied("You may not report deployments.")
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
