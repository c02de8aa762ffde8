"""The monitoring panel on a model's detail page: its active retraining alerts."""

from __future__ import annotations

from django.http import HttpRequest

from core.panels import Panel, register_panel
from inventory.models import MLModel
from monitoring.models import RetrainingAlert

__all__ = ["register_metric_panels"]

MAX_ROWS = 20


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
