"""Detail-page panels monitoring adds to the inventory's model page: the open monitoring
health findings of the model's deployments, and its active retraining alerts. Registered
in `MonitoringConfig.ready()`."""

from __future__ import annotations

from django.http import HttpRequest

from core.panels import Panel, register_panel
from inventory.models import MLModel
from monitoring.choices import HealthFindingStatus
from monitoring.models import HealthFinding, RetrainingAlert
from monitoring.views.health import PROBLEM_BADGES

__all__ = ["register_metric_panels", "register_monitoring_panels"]

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


def model_alerts_context(request: HttpRequest, model: MLModel) -> dict | None:
    alerts = list(RetrainingAlert.objects.restrict(request.user, "view").active()
                  .filter(model_version__model=model).select_related("model_version", "threshold")
                  .order_by("-opened_at")[:MAX_ROWS])
    if not alerts:
        return None
    return {"alerts": alerts}


def register_metric_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="retraining-alerts", title="Retraining alerts",
        template="monitoring/panels/mlmodel_alerts.html", context=model_alerts_context,
        permission="monitoring.view_retrainingalert", order=20))
