"""Dashboards of versions: the version list, the lifecycle board, a model as of a moment,
and the stage transition form.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from core.forms import form_errors_from
from core.permissions import user_has_any_permission
from core.tables import Column
from core.views.generic import ObjectListView
from inventory.choices import ModelStage
from inventory.filters import ModelVersionFilterSet
from inventory.models import FROZEN_STAGES, MLModel, ModelVersion
from inventory.selectors.versions import mlmodel_as_of
from inventory.services import versions
from inventory.tables import STAGE_BADGES

__all__ = [
    "BOARD_HORIZON_DAYS",
    "LIVE_STAGES",
    "AsOfForm",
    "LifecycleBoardView",
    "MLModelAsOfView",
    "ModelVersionListView",
    "ModelVersionTransitionView",
    "TransitionForm",
]


# How far ahead the board looks for expiring validations and planned deprecations.
BOARD_HORIZON_DAYS = 30


LIVE_STAGES = (ModelStage.STAGING, ModelStage.PRODUCTION)


def _version_list_url(**params: Any) -> str:
    from urllib.parse import urlencode

    return reverse("inventory:modelversion_list") + "?" + urlencode(params, doseq=True)


# --------------------------------------------------------------------------------------
# Version list
# --------------------------------------------------------------------------------------
class ModelVersionListView(ObjectListView):
    """Every version the user may see, filterable by stage, branch, alias and due dates
    (the lifecycle board's counts link here)."""

    model = ModelVersion
    filterset_class = ModelVersionFilterSet
    title = "Model versions"
    description = ("Every registered version with its lifecycle stage, branch and aliases. "
                   "Versions that reached production are frozen: they never change again.")
    empty_message = ("No version matches. Versions are registered through the API (including "
                     "the CI/CD endpoint) or the admin.")
    default_sort = "-created_at"
    columns = [
        Column(lambda v: str(v), "Version", link=True),
        Column("model.name", "Model", sort="model__name"),
        Column("version", "Number", sort="version"),
        Column("stage", "Stage", sort="stage", badge=STAGE_BADGES),
        Column(lambda v: v.branch.name if v.branch_id else "main", "Branch"),
        Column(lambda v: ", ".join(sorted(a.name for a in v.aliases.all())), "Aliases"),
        Column("training_date", "Trained on", sort="training_date"),
        Column("created_at", "Registered", sort="created_at"),
    ]


# --------------------------------------------------------------------------------------
# Lifecycle board
# --------------------------------------------------------------------------------------
class LifecycleBoardView(LoginRequiredMixin, TemplateView):
    """What is in which stage, what is due for re-validation, what will be deprecated soon —
    each a count linking to the filtered version list, with the nearest items listed."""

    template_name = "inventory/lifecycle_board.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_any_permission(
                request.user, "view", ModelVersion):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        visible = ModelVersion.objects.restrict(self.request.user, "view")
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=BOARD_HORIZON_DAYS)
        counts = dict(visible.order_by().values_list("stage").annotate(n=Count("pk")))
        stages = [{"value": stage, "label": ModelStage(stage).label,
                   "count": counts.get(stage, 0), "badge": STAGE_BADGES.get(stage, "secondary"),
                   "url": _version_list_url(stage=stage),
                   "frozen": stage in FROZEN_STAGES} for stage in ModelStage.values]
        revalidation = visible.filter(
            stage__in=LIVE_STAGES, deprecation_schedule__validation_expires_on__lte=horizon)
        deprecation = visible.filter(
            stage__in=LIVE_STAGES, deprecation_schedule__deprecate_on__lte=horizon)
        live = [str(s) for s in LIVE_STAGES]
        context.update({
            "today": today,
            "horizon": horizon,
            "horizon_days": BOARD_HORIZON_DAYS,
            "stages": stages,
            "total": sum(counts.values()),
            "revalidation_count": revalidation.count(),
            "revalidation_url": _version_list_url(stage=live,
                                                  revalidation_due_before=horizon.isoformat()),
            "revalidation_rows": list(
                revalidation.select_related("model", "deprecation_schedule")
                .order_by("deprecation_schedule__validation_expires_on", "pk")[:10]),
            "deprecation_count": deprecation.count(),
            "deprecation_url": _version_list_url(stage=live,
                                                 deprecation_due_before=horizon.isoformat()),
            "deprecation_rows": list(
                deprecation.select_related("model", "deprecation_schedule")
                .order_by("deprecation_schedule__deprecate_on", "pk")[:10]),
        })
        return context


# --------------------------------------------------------------------------------------
# Point in time
# --------------------------------------------------------------------------------------
class AsOfForm(forms.Form):
    at = forms.DateTimeField(
        label="At", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"},
                                   format="%Y-%m-%dT%H:%M"),
        help_text="A moment in the past (your time zone); e.g. 2026-03-01 00:00.")


class MLModelAsOfView(LoginRequiredMixin, TemplateView):
    """"Which version was champion / in production on that day, who moved it and why?" —
    answered from the alias move log and the versions' history."""

    template_name = "inventory/mlmodel_as_of.html"

    def get_model(self) -> MLModel:
        if not user_has_any_permission(self.request.user, "view", MLModel):
            raise PermissionDenied
        return get_object_or_404(MLModel.objects.restrict(self.request.user, "view"),
                                 pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        model = self.get_model()
        form = AsOfForm(self.request.GET or None)
        result = mlmodel_as_of(model=model, at=form.cleaned_data["at"]) \
            if form.is_bound and form.is_valid() else None
        context.update({"object": model, "form": form, "result": result,
                        "stage_badges": STAGE_BADGES})
        return context


# --------------------------------------------------------------------------------------
# Stage move
# --------------------------------------------------------------------------------------
class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label="Move to stage")
    change_reason = forms.CharField(
        label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the version's history with your name, e.g. “Validation report "
                  "VR-31 approved”.")

    def __init__(self, *args, version: ModelVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (s, ModelStage(s).label) for s in versions.allowed_transitions(version.stage)]
        self.fields["to_stage"].widget.attrs["class"] = "form-select"
        self.fields["change_reason"].widget.attrs["class"] = "form-control"


class ModelVersionTransitionView(LoginRequiredMixin, FormView):
    """Move a version along the lifecycle; every refusal (illegal move, permission, a
    promotion gate) is shown next to the field, nothing is written."""

    template_name = "inventory/modelversion_transition.html"
    form_class = TransitionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        visible = ModelVersion.objects.restrict(request.user, "view").select_related("model")
        try:
            self.version = visible.get(pk=kwargs["pk"])
        except ModelVersion.DoesNotExist as missing:
            raise Http404 from missing
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "version": self.version}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update({"version": self.version, "object": self.version.model,
                        "frozen": self.version.stage in FROZEN_STAGES,
                        "stage_badge": STAGE_BADGES.get(self.version.stage, "secondary")})
        return context

    def form_valid(self, form):
        try:
            versions.model_version_transition(
                version=self.version, to_stage=form.cleaned_data["to_stage"],
                actor=self.request.user, reason=form.cleaned_data["change_reason"])
        except ValidationError as error:
            # Refusals name their field: to_stage, or what the versioning strategy misses.
            form_errors_from(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.version.get_absolute_url())
