"""The inventory's own detail-page panel: where a model's versions run. Other apps register
theirs the same way (`core.panels`)."""

from __future__ import annotations

from django.http import HttpRequest

from core.panels import Panel, register_panel
from inventory.choices import DeploymentStatus
from inventory.models import Deployment, MLModel

__all__ = ["register_inventory_panels"]

MAX_ROWS = 50
STATUS_BADGES = {DeploymentStatus.ACTIVE: "success", DeploymentStatus.FAILED: "danger",
                 DeploymentStatus.PENDING: "info"}


def model_deployments_context(request: HttpRequest, model: MLModel) -> dict | None:
    deployments = list(
        Deployment.objects.restrict(request.user, "view")
        .filter(model_version__model=model)
        .exclude(status=DeploymentStatus.STOPPED)
        .select_related("model_version")
        .order_by("environment", "region", "segment")[:MAX_ROWS])
    if not deployments:
        return None
    return {"rows": [(deployment, STATUS_BADGES.get(deployment.status, "secondary"))
                     for deployment in deployments]}


def register_inventory_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="deployments", title="Where it runs now",
        template="inventory/panels/mlmodel_deployments.html",
        context=model_deployments_context, permission="inventory.view_deployment", order=10))
