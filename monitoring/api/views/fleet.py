"""API of deployment events.

    POST /api/v1/cicd/deployment-events/   a platform reports an event (Idempotency-Key)
    GET  /api/v1/deployment-events/        the events received, with what each did
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.request import Request

from core.api.viewsets import RestrictedReadOnlyViewSet
from core.audit import audit_context
from inventory.api.serializers.deployments import DeploymentSerializer
from inventory.api.views.integrations import IdempotentView
from monitoring.api.serializers.fleet import (
    DeploymentEventPostSerializer,
    DeploymentEventSerializer,
)
from monitoring.filters import DeploymentEventFilterSet
from monitoring.models import DeploymentEvent
from monitoring.services.fleet import deployment_event_apply

__all__ = ["DeploymentEventPostView", "DeploymentEventViewSet"]


class DeploymentEventViewSet(RestrictedReadOnlyViewSet):
    """Deployment events as received (posted to `cicd/deployment-events/`)."""

    queryset = DeploymentEvent.objects.all()
    serializer_class = DeploymentEventSerializer
    filterset_class = DeploymentEventFilterSet
    ordering_fields = ["received_at", "kind", "environment"]


class DeploymentEventPostView(IdempotentView):
    """Apply a deployment event (created, scaled, moved, removed, rolled_back) to the
    inventory's deployments: 201 with the event and the deployment serving afterwards;
    403 without the report-deployment right on the model; 409 where the version may not
    run (or 201 with outcome `unauthorised`, per `CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS`)."""

    scope = "cicd.deployment_event"
    serializer_class = DeploymentEventPostSerializer

    def perform(self, request: Request, **kwargs: Any) -> tuple[int, Any]:
        body = DeploymentEventPostSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        version = values.pop("model_version")
        values["kind"] = values.pop("event")
        reason = (values.pop("change_reason", "")
                  or f"Deployment event “{values['kind']}” reported by {request.user}")
        with audit_context(user=request.user, reason=reason):
            event = deployment_event_apply(version=version, actor=request.user, reason=reason,
                                           data=values)
        return status.HTTP_201_CREATED, {
            **DeploymentEventSerializer(event).data,
            "deployment": DeploymentSerializer(event.deployment).data}
