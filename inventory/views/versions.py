"""Dashboards of versions: the version list, the lifecycle board, a model as of a moment,
and the stage transition form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from core.exceptions import ConflictError
from core.forms import form_errors_from
from core.permissions import user_can, user_has_any_permission
from core.tables import Column
from core.views.generic import ObjectListView
from inventory.choices import ModelStage
from inventory.filters import ModelVersionFilterSet
from inventory.forms import DatasetVersionForm
from inventory.models import FROZEN_STAGES, Dataset, DatasetVersion, MLModel, ModelVersion
from inventory.selectors.versions import LIVE_STAGES, lifecycle_board, mlmodel_as_of
from inventory.services import versions
from inventory.tables import STAGE_BADGES
from inventory.views.catalogue import RecordEditMixin, RecordFormView

__all__ = [
    "BOARD_HORIZON_DAYS",
    "AsOfForm",
    "DatasetVersionCreateView",
    "DatasetVersionEditView",
    "LifecycleBoardView",
    "MLModelAsOfView",
    "ModelVersionListView",
    "ModelVersionTransitionView",
    "TransitionForm",
]


# How far ahead the board looks for expiring validations and planned deprecations.
BOARD_HORIZON_DAYS = 30


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
        board = lifecycle_board(self.request.user, horizon_days=BOARD_HORIZON_DAYS)
        live = [str(s) for s in LIVE_STAGES]
        horizon = board["horizon"].isoformat()
        for stage in board["stages"]:
            stage["badge"] = STAGE_BADGES.get(stage["value"], "secondary")
            stage["url"] = _version_list_url(stage=stage["value"])
        context.update(board, horizon_days=BOARD_HORIZON_DAYS,
                       revalidation_url=_version_list_url(stage=live,
                                                          revalidation_due_before=horizon),
                       deprecation_url=_version_list_url(stage=live,
                                                         deprecation_due_before=horizon))
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
        except ConflictError as error:  # a legal hold: refused whatever the target stage
            form.add_error("to_stage", error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.version.get_absolute_url())


# --------------------------------------------------------------------------------------
# Dataset versions: record the next one, correct one (through `versions` services)
# --------------------------------------------------------------------------------------
_DATASET_VERSION_INTRO = ("Where this version's data is, its checksum, size, rows and schema. "
                          "Versions are numbered by Custodia, without gaps. A version a model "
                          "that reached production was built from is frozen evidence and "
                          "cannot be changed.")


class DatasetVersionCreateView(RecordFormView):
    """Record the next version of a dataset the user may change (404 for one they may not
    see, 403 without the permission)."""

    model = DatasetVersion
    form_class = DatasetVersionForm
    permission_action = "add"
    noun = "dataset version"
    intro = _DATASET_VERSION_INTRO
    list_route = "inventory:dataset_list"
    dataset = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.dataset = get_object_or_404(Dataset.objects.restrict(request.user, "view"),
                                             pk=kwargs["pk"])
            if not user_can(request.user, "change", self.dataset):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_title(self) -> str:
        return f"Record a version of {self.dataset.name}"

    def get_list_label(self) -> str:
        return "Datasets"

    def get_crumbs(self) -> list[tuple[str, str]]:
        return [(self.dataset.name, self.dataset.get_absolute_url())]

    def get_submit_label(self) -> str:
        return "Record the version"

    def get_cancel_url(self) -> str:
        return self.dataset.get_absolute_url()

    def save(self, form) -> str:
        version = versions.dataset_version_register(
            dataset=self.dataset, actor=self.request.user,
            reason=self.reason(form, "Recorded in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Recorded {version}.")
        return version.get_absolute_url()


class DatasetVersionEditView(RecordEditMixin, RecordFormView):
    """Correct a dataset version; frozen ones are read-only. The location of a sensitive
    dataset's version is left out for someone who may not see it."""

    model = DatasetVersion
    form_class = DatasetVersionForm
    noun = "dataset version"
    intro = _DATASET_VERSION_INTRO
    list_route = "inventory:dataset_list"

    def get_object(self, pk: int):
        return get_object_or_404(self.restricted_queryset().select_related("dataset"), pk=pk)

    def get_list_label(self) -> str:
        return "Datasets"

    def get_crumbs(self) -> list[tuple[str, str]]:
        return [(self.object.dataset.name, self.object.dataset.get_absolute_url())]

    def frozen_message(self, obj) -> str:
        if versions.dataset_version_frozen(obj):
            return (f"{obj} was used by a model version that reached production: it is frozen "
                    "evidence and cannot be changed. Record a new version instead.")
        return ""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.object.dataset.details_visible_to(self.request.user):
            form.fields.pop("uri", None)
        return form

    def save(self, form) -> str:
        version = versions.dataset_version_update(
            version=self.object, actor=self.request.user,
            reason=self.reason(form, "Corrected in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Saved the changes to {version}.")
        return version.get_absolute_url()
