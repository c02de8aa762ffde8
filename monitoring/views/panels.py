"""Detail-page panel monitoring adds to the inventory's model page: the open monitoring
health findings of the model's deployments. Registered in `MonitoringConfig.ready()`."""

from __future__ import annotations

from django.http import HttpRequest

from core.panels import Panel, register_panel
from inventory.models import MLModel
from monitoring.choices import HealthFindingStatus
from monitoring.models import HealthFinding
from monitoring.views.health import PROBLEM_BADGES

__all__ = ["register_monitoring_panels"]

MAX_ROWS = 20


def model_health_context(request: HttpRequest, model: MLModel) -> dict | None:
    findings = list(HealthFinding.objects.restrict(request.user, "view")
                    .filter(model_version__model=model, status=HealthFindingStatus.OPEN)
                    .select_related("deployment", "model_version")
                    .order_by("-created_at")[:MAX_ROWS])
    if not findings:
        return None
    return {"rows": [(finding, PROBLEM_BADGES.get(finding.problem, "secondary"))
                     for finding in findings]}


def register_monitoring_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="monitoring-health", title="Monitoring health",
        template="monitoring/panels/mlmodel_health.html", context=model_health_context,
        permission="monitoring.view_healthfinding", order=15))
