"""Approvals dashboards: the inbox, a request's page (approve or reject with a comment),
asking for approval, the policies, and the approvals panel of a model's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView

from core.exceptions import ConflictError
from core.forms import form_errors_from
from core.tables import Column
from core.views.generic import ObjectDetailView, ObjectListView, RestrictedViewMixin
from governance.choices import ApprovalStatus, Decision
from governance.filters import ApprovalRequestFilterSet
from governance.models import ApprovalPolicy, ApprovalRequest, GatedStage
from governance.selectors.approvals import inbox, is_overdue
from governance.services.approvals import (
    approval_request_create,
    approval_request_decide,
    approval_tally,
    decision_problem,
)
from governance.services.minimisation import minimisation_check
from inventory.models import FROZEN_STAGES, MLModel, ModelVersion

__all__ = ["ApprovalPolicyListView", "ApprovalRequestCreateView", "ApprovalRequestDetailView",
           "ApprovalRequestListView", "register_approval_views"]

STATUS_BADGES = {"pending": "warning", "approved": "info", "promoted": "success",
                 "rejected": "danger", "expired": "secondary", "superseded": "secondary"}
TIER_BADGES = {"low": "success", "medium": "info", "high": "warning", "critical": "danger"}


def _progress(request: ApprovalRequest) -> str:
    if request.status != ApprovalStatus.PENDING:
        return request.get_status_display()
    tally = approval_tally(request, list(request.decisions.all()))
    return f"Waiting for {tally.missing}" + (" — overdue" if is_overdue(request) else "")


REQUEST_COLUMNS = [
    Column(lambda r: f"#{r.pk}", "Request", sort="id", link=True),
    Column("model_version", "Version"),
    Column("model_version.model.risk_tier", "Risk tier", badge=TIER_BADGES),
    Column("to_stage", "Into", sort="to_stage"),
    Column("status", "Status", sort="status", badge=STATUS_BADGES),
    Column(_progress, "Where it stands", csv=True),
    Column("requested_by", "Requested by"),
    Column("due_at", "Decision due", sort="due_at"),
    Column("created_at", "Requested", sort="created_at"),
]


class ApprovalRequestPageFilterSet(ApprovalRequestFilterSet):
    """The inbox's filters: no typed identifiers (a model is found by the search box)."""

    model_version = None
    model = None


class ApprovalRequestListView(ObjectListView):
    """The approvals inbox: what waits for me, what I asked for, what is overdue."""

    model = ApprovalRequest
    filterset_class = ApprovalRequestPageFilterSet
    columns = REQUEST_COLUMNS
    default_sort = "-created_at"
    template_name = "governance/approvalrequest_list.html"
    title = "Approvals"
    description = ("Requests to promote a model version into staging or production. A "
                   "request needs the approvals its risk tier's policy asks for; the last "
                   "approval promotes the version at once.")
    empty_message = ("No request here. A request is opened from a model's page (Approvals "
                     "panel) or through the API, and lists who must approve it.")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        visible = self.restricted_queryset()
        user = self.request.user
        context["boxes"] = [
            {"key": key, "label": label, "count": inbox(user, visible, key).count(),
             "active": self.request.GET.get("box", "") == key}
            for key, label in (("waiting", "Waiting for me"), ("mine", "Requested by me"),
                               ("overdue", "Overdue"), ("", "All requests"))]
        if self.request.GET.get("box") == "waiting":
            # Decide without leaving the inbox: the page's requests, each with its form.
            context["decide"] = [{"request": r, "still_needed": _progress(r)}
                                 for r in context["page_obj"].object_list]
        return context


class DecisionForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=2000,
        help_text="Why you approve or reject; the requester and auditors read it.")
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput, required=False)


class ApprovalRequestDetailView(ObjectDetailView):
    """One request: the version, the policy's terms, progress, decisions, and the buttons
    to approve or reject (only for someone who may)."""

    model = ApprovalRequest
    template_name = "governance/approvalrequest_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("model_version__model__owner",
                                                     "model_version__created_by", "policy")

    def post(self, request, *args, **kwargs):
        """Approve or reject (the button pressed names the decision)."""
        self.object = self.get_object()
        form = DecisionForm(request.POST)
        decision = request.POST.get("decision")
        if form.is_valid():
            try:
                approval_request_decide(request=self.object, actor=request.user,
                                        decision=decision or "",
                                        comment=form.cleaned_data["comment"])
            except ValidationError as error:
                form_errors_from(form, error)
            except (PermissionDenied, ConflictError) as error:
                form.add_error(None, getattr(error, "message", None) or str(error))
            else:
                verb = "approved" if decision == Decision.APPROVE else "rejected"
                messages.success(request, f"You {verb} request #{self.object.pk}.")
                back = request.POST.get("next", "")
                if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                    back = self.object.get_absolute_url()
                return HttpResponseRedirect(back)
        context = self.get_context_data(object=self.object, form=form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        obj: ApprovalRequest = self.object
        decisions = list(obj.decisions.select_related("approver"))
        user = self.request.user
        problems = {d: decision_problem(request=obj, actor=user, decision=d)
                    for d in Decision.values}
        context.update({
            "version": obj.model_version, "model": obj.model_version.model,
            "decisions": decisions, "tally": approval_tally(obj, decisions),
            "overdue": is_overdue(obj), "status_badge": STATUS_BADGES.get(obj.status),
            "tier_badge": TIER_BADGES.get(obj.model_version.model.risk_tier),
            "can_approve": problems[Decision.APPROVE] is None,
            "can_reject": problems[Decision.REJECT] is None,
            "why_not": next((p[1] for p in problems.values() if p is not None), ""),
            "form": kwargs.get("form") or DecisionForm(),
            "minimisation": minimisation_check(obj.model_version),
            "history": obj.history.select_related("history_user").order_by("history_date"),
        })
        return context


class ApprovalRequestForm(forms.Form):
    model_version = forms.ModelChoiceField(queryset=ModelVersion.objects.none(),
                                           label="Version",
                                           widget=forms.Select(attrs={"class": "form-select"}))
    to_stage = forms.ChoiceField(choices=GatedStage.choices, label="Promote into",
                                 widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             max_length=2000, help_text="Why it should be promoted; approvers "
                                                        "read it.")

    def __init__(self, *args, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model_version"].queryset = versions


class ApprovalRequestCreateView(RestrictedViewMixin, FormView):
    """Ask for approval to promote a version of a model (chosen in a list, never typed)."""

    model = ApprovalRequest
    permission_action = "add"
    template_name = "governance/approvalrequest_form.html"
    form_class = ApprovalRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            visible = MLModel.objects.restrict(request.user, "view")
            self.mlmodel = get_object_or_404(visible, pk=kwargs["model_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.versions().exists():
            raise Http404("This model has no version that could be promoted.")
        return super().get(request, *args, **kwargs)

    def versions(self):
        return (ModelVersion.objects.restrict(self.request.user, "view")
                .filter(model=self.mlmodel).exclude(stage__in=FROZEN_STAGES)
                .select_related("model").order_by("-version"))

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["versions"] = self.versions()
        chosen = self.request.GET.get("version")
        if chosen and chosen.isdigit():
            kwargs.setdefault("initial", {})["model_version"] = int(chosen)
        return kwargs

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["mlmodel"] = self.mlmodel
        context["policies"] = ApprovalPolicy.objects.filter(risk_tier=self.mlmodel.risk_tier)
        return context

    def form_valid(self, form):
        try:
            created = approval_request_create(
                version=form.cleaned_data["model_version"], to_stage=form.cleaned_data["to_stage"],
                actor=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        except (PermissionDenied, ConflictError) as error:
            form.add_error(None, getattr(error, "message", None) or str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Request #{created.pk} opened; approvers see it in "
                                       "their inbox.")
        return HttpResponseRedirect(created.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApprovalPolicyListView(RestrictedViewMixin, TemplateView):
    """Who must approve what, per risk tier (edited in the admin, with history)."""

    model = ApprovalPolicy
    template_name = "governance/approvalpolicy_list.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        order = {tier: i for i, tier in enumerate(TIER_BADGES)}
        policies = sorted(self.restricted_queryset(),
                          key=lambda p: (order.get(p.risk_tier, 9), p.to_stage))
        context["policies"] = [(p, TIER_BADGES.get(p.risk_tier, "secondary")) for p in policies]
        return context


# --------------------------------------------------------------------------------------
# The model page's panel, navigation and counters
# --------------------------------------------------------------------------------------
PANEL_ROWS = 20


def model_approvals_context(request, model: MLModel) -> dict | None:
    """Each version's requests and data-minimisation findings, on the model's page."""
    from governance.models import MinimisationFinding

    versions = list(model.versions.order_by("-version")[:PANEL_ROWS])
    if not versions:
        return None
    requests = (ApprovalRequest.objects.restrict(request.user, "view")
                .filter(model_version__in=versions).select_related("model_version")
                .order_by("-created_at")[:PANEL_ROWS])
    findings = (MinimisationFinding.objects.filter(model_version__in=versions)
                .select_related("model_version", "rule").order_by("-blocking", "feature"))
    can_request = any(v.stage not in FROZEN_STAGES for v in versions) and \
        request.user.has_perm("governance.add_approvalrequest")
    return {"requests": [(r, STATUS_BADGES.get(r.status, "secondary")) for r in requests],
            "findings": list(findings), "can_request": can_request,
            "add_url": reverse("governance:approvalrequest_add", args=[model.pk])}


def register_approval_views() -> None:
    from core.menu import Counter, MenuItem, register_counter, register_menu_item
    from core.panels import Panel, register_panel
    from governance.selectors.approvals import waiting_for

    register_menu_item(MenuItem("Governance", "Approvals", "governance:approvalrequest_list",
                                "governance.view_approvalrequest",
                                "Promotion requests waiting for you, yours, overdue"))
    register_menu_item(MenuItem("Governance", "Approval policies",
                                "governance:approvalpolicy_list",
                                "governance.view_approvalpolicy",
                                "Who must approve a promotion, per risk tier"))
    register_menu_item(MenuItem("Governance", "Data-minimisation rules",
                                "governance:minimisationrule_list",
                                "governance.view_minimisationrule",
                                "Which inputs each purpose may use"))
    register_menu_item(MenuItem("Governance", "Data-minimisation findings",
                                "governance:minimisationfinding_list",
                                "governance.view_minimisationfinding",
                                "Model inputs that break a rule"))
    register_counter(Counter(
        label="Promotion requests waiting for you",
        queryset=lambda user: waiting_for(user, ApprovalRequest.objects.restrict(user, "view")),
        url=lambda: reverse("governance:approvalrequest_list") + "?box=waiting",
        permission="governance.decide_approvalrequest",
        help_text="Promotions you may approve or reject.", attention=True))
    register_panel("inventory.mlmodel", Panel(
        key="approvals", title="Approvals and data minimisation",
        template="governance/panels/mlmodel_approvals.html", context=model_approvals_context,
        permission="governance.view_approvalrequest", order=30))
