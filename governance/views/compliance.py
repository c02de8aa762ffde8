"""Compliance dashboards: the overview per framework, the statuses and gaps lists, the
recompute button, and the compliance panel on a model's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.models import JobRun
from core.panels import Panel, register_panel
from core.permissions import user_has_any_permission
from core.tables import Column
from core.views.generic import ObjectListView
from governance.choices import ComplianceOutcome
from governance.evidence import evidence_check
from governance.filters import ComplianceAssessmentFilterSet, RequirementResultFilterSet
from governance.models import ComplianceAssessment, RequirementResult
from governance.selectors.compliance import (
    compliance_coverage,
    current_gaps,
    model_statuses,
    top_gaps,
    visible_statuses,
)
from governance.services.compliance import RECOMPUTE_JOB
from inventory.models import MLModel

__all__ = ["ComplianceOverviewView", "ComplianceRecomputeView", "ComplianceStatusListView",
           "GapListView", "register_compliance_panels"]

STATUS_BADGES = {ComplianceOutcome.MET: "success", ComplianceOutcome.GAP: "danger",
                 ComplianceOutcome.NOT_APPLICABLE: "secondary"}
# Who may start a full recompute from the page: whoever keeps the requirements.
RECOMPUTE_PERMISSION = "governance.change_requirement"


def _missing_text(result: RequirementResult) -> str:
    return " ".join(item.get("detail", "") for item in result.missing)


def _how_to_close(result: RequirementResult) -> str:
    steps = []
    for item in result.missing:
        check = evidence_check(item.get("check", ""))
        text = check.how_to_close if check else item.get("detail", "")
        if text not in steps:
            steps.append(text)
    return " ".join(steps)


class ComplianceOverviewView(LoginRequiredMixin, TemplateView):
    """Per framework: models that meet it, have gaps, or are outside it; the most common
    gaps; when statuses were last computed."""

    template_name = "governance/compliance_overview.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_any_permission(
                request.user, "view", ComplianceAssessment):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        coverage = compliance_coverage(user)
        status_url = reverse("governance:status_list")
        context.update({
            "title": "Compliance overview",
            "coverage": coverage,
            "chart": {
                "frameworks": [row.framework.short_name for row in coverage],
                "codes": [row.framework.code for row in coverage],
                "met": [row.met for row in coverage],
                "gap": [row.gap for row in coverage],
                "not_applicable": [row.not_applicable for row in coverage],
                "status_url": status_url,
            },
            "top_gaps": top_gaps(user),
            "models_with_gaps": visible_statuses(user).filter(
                status=ComplianceOutcome.GAP).values("model_id").distinct().count(),
            "models_total": MLModel.objects.restrict(user, "view").count(),
            "models_assessed": visible_statuses(user).values("model_id").distinct().count(),
            "last_run": JobRun.objects.filter(name=RECOMPUTE_JOB).order_by("-created_at").first(),
            "can_recompute": user.has_perm(RECOMPUTE_PERMISSION),
        })
        return context


class ComplianceRecomputeView(LoginRequiredMixin, View):
    """Start a full recompute now and follow its progress on the job's page."""

    def post(self, request: HttpRequest) -> HttpResponse:
        from core.services.job_runs import job_run_submit

        if not request.user.has_perm(RECOMPUTE_PERMISSION):
            raise PermissionDenied
        run = job_run_submit(name=RECOMPUTE_JOB, user=request.user,
                             parameters={"trigger": f"Started by {request.user.get_username()}"})
        messages.info(request, "Recomputing every model's compliance status; this page shows "
                               "its progress.")
        return redirect("core:jobrun_detail", pk=run.pk)


class StatusPageFilterSet(ComplianceAssessmentFilterSet):
    """The page lists the statuses in force only (the API also serves superseded ones)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("superseded")


class ComplianceStatusListView(ObjectListView):
    model = ComplianceAssessment
    template_name = "governance/compliance_list.html"
    filterset_class = StatusPageFilterSet
    columns = [
        Column(lambda a: a.model.name, "Model", sort="model__name", link=True),
        Column(lambda a: a.framework.short_name, "Framework", sort="framework__short_name"),
        Column("status", "Status", sort="status", badge=STATUS_BADGES),
        Column(lambda a: f"{a.met_count} of {a.applicable_count}", "Requirements met"),
        Column("gap_count", "Gaps", sort="gap_count"),
        Column(lambda a: "; ".join(f"{r.requirement.clause} {r.requirement.title}"
                                   for r in a.gap_results) or "—", "Requirements with gaps"),
        Column(lambda a: a.framework_version.label, "Assessed against"),
        Column("assessed_at", "Assessed", sort="assessed_at"),
    ]
    default_sort = "model__name"
    title = "Compliance status"
    description = ("Where each model stands against each framework: met (every requirement "
                   "that applies has its evidence), gap (something is missing) or not "
                   "applicable (the framework does not cover this model).")
    empty_message = ("No status yet. Statuses are computed when a model or its data changes "
                     "and every six hours for all models.")

    def get_queryset(self):
        return super().get_queryset().filter(is_current=True)


class GapListView(ObjectListView):
    model = RequirementResult
    template_name = "governance/compliance_list.html"
    filterset_class = RequirementResultFilterSet
    columns = [
        Column(lambda r: r.assessment.model.name, "Model", sort="assessment__model__name",
               link=True),
        Column(lambda r: r.assessment.framework.short_name, "Framework",
               sort="assessment__framework__short_name"),
        Column(lambda r: r.requirement.clause, "Clause", sort="requirement__clause"),
        Column(lambda r: r.requirement.title, "Requirement"),
        Column(_missing_text, "What is missing"),
        Column(_how_to_close, "How to close it"),
    ]
    default_sort = "assessment__model__name"
    title = "Compliance gaps"
    description = ("Every requirement a model falls short of, with what is missing. Open a "
                   "model to fill in what its gaps ask for: the gap closes as soon as the "
                   "change is saved.")
    empty_message = "No gap: every model you can see has the evidence its frameworks ask for."

    def get_queryset(self):
        return current_gaps(self.request.user).select_related(
            "assessment", "assessment__model", "assessment__framework", "requirement")


# --------------------------------------------------------------------------------------
# The model page's compliance panel
# --------------------------------------------------------------------------------------
def model_compliance_context(request: HttpRequest, model: MLModel) -> dict | None:
    """Each framework's status of the model, with its gaps (the panel always shows, so a
    model not assessed yet says so)."""
    rows = [{"status": status,
             "gaps": [{"result": result, "items": result.missing}
                      for result in status.gap_results]}
            for status in model_statuses(model)]
    return {"rows": rows}


def register_compliance_panels() -> None:
    register_panel("inventory.mlmodel", Panel(
        key="compliance", title="Compliance", template="governance/panels/mlmodel_compliance.html",
        context=model_compliance_context, permission="governance.view_complianceassessment",
        order=15))
