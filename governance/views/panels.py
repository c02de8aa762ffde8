"""What governance shows on a model's page: its reconciliation findings and its review."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.panels import Panel, register_panel
from governance.choices import ACTIVE_FINDING_STATUSES
from governance.models import Finding
from governance.services.reconciliation import INACTIVE_STAGES, review_period_days
from inventory.models import MLModel

__all__ = ["register_governance_panels"]

MAX_ROWS = 10


def model_findings_context(request, model: MLModel) -> dict:
    findings = list(Finding.objects.restrict(request.user, "view").filter(
        model=model, status__in=list(ACTIVE_FINDING_STATUSES)).select_related("owner")
        .order_by("due_on")[:MAX_ROWS])
    due = None
    if model.stage not in INACTIVE_STAGES:
        start = model.last_reviewed_on or timezone.localtime(model.created_at).date()
        due = start + timedelta(days=review_period_days(model.risk_tier))
    return {"findings": findings, "review_due": due,
            "review_overdue": due is not None and due < timezone.localdate(),
            "board_url": reverse("governance:finding_list") + f"?model={model.pk}"}


def register_governance_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="reconciliation", title="Reviews and reconciliation findings",
        template="governance/panels/mlmodel_findings.html", context=model_findings_context,
        permission="governance.view_finding", order=40))
