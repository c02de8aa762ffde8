"""Dashboards of the catalogue: models, datasets, features and pipelines (lists, details,
registration), licences, the risk register and saved searches.

Views only translate and delegate: reads go through `restrict(user, action)`, the shared
filtersets and the selectors, writes through `inventory.services.catalogue`
(house style, "One rule, every door").
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from core.choices import AccessAction
from core.exceptions import ConflictError
from core.forms import form_errors_from
from core.history import history_entries
from core.permissions import user_can, user_has_any_permission
from core.services.audit import access_event_record
from core.views.generic import InvalidFieldsMarkedMixin, ObjectDetailView, ObjectListView, RestrictedViewMixin
from inventory.choices import ModelStage, Origin, Redistribution, RiskTier
from inventory.filters import DatasetFilterSet, FeatureFilterSet, MLModelFilterSet, PipelineFilterSet
from inventory.forms import (
    DatasetForm,
    DeleteForm,
    FeatureForm,
    MLModelDeleteForm,
    MLModelForm,
    PipelineForm,
    SavedSearchForm,
)
from inventory.models import FROZEN_STAGES, Dataset, Feature, MLModel, Pipeline, SavedSearch
from inventory.selectors.catalogue import risk_stage_matrix
from inventory.selectors.standards import asset_metadata_gaps
from inventory.services import catalogue
from inventory.services.standards import field_label
from inventory.tables import (
    DATASET_COLUMNS,
    FEATURE_COLUMNS,
    LICENCE_COLUMNS,
    MLMODEL_COLUMNS,
    PIPELINE_COLUMNS,
    RISK_BADGES,
    STAGE_BADGES,
    screen_columns,
)

__all__ = [
    "PANEL_HIDDEN",
    "SAVED_SEARCH_PAGES",
    "SHORT_CHOICES",
    "AssetCreateView",
    "AssetDeleteView",
    "AssetDetailView",
    "AssetEditView",
    "CatalogueListView",
    "DatasetCreateView",
    "DatasetDeleteView",
    "DatasetDetailView",
    "DatasetEditView",
    "DatasetListView",
    "FeatureCreateView",
    "FeatureDeleteView",
    "FeatureDetailView",
    "FeatureEditView",
    "FeatureListView",
    "LicenceListView",
    "MLModelCreateView",
    "MLModelDeleteView",
    "MLModelDetailView",
    "MLModelEditView",
    "MLModelFormView",
    "MLModelListView",
    "PipelineCreateView",
    "PipelineDeleteView",
    "PipelineDetailView",
    "PipelineEditView",
    "PipelineListView",
    "RecordEditMixin",
    "RecordFormView",
    "RiskRegisterView",
    "SavedSearchCreateView",
    "SavedSearchDeleteView",
    "style_form",
]


# --------------------------------------------------------------------------------------
# Catalogue lists: models, datasets, features, pipelines, licences
# --------------------------------------------------------------------------------------
def style_form(form: forms.Form, *, small: bool = True) -> forms.Form:
    """Give a form's widgets Bootstrap's classes (filter panels and edit forms alike)."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = f"form-select form-select{size}" if small else "form-select"
        else:
            css = f"form-control form-control{size}" if small else "form-control"
        classes = widget.attrs.get("class", "")
        if css.split()[0] not in classes.split():
            widget.attrs["class"] = f"{classes} {css}".strip()
    return form


PANEL_HIDDEN = {"q", "ordering", "team_slug", "owner_username", "licence_contains"}
SHORT_CHOICES = 12


def _checkbox_short_choices(form: forms.Form) -> None:
    """Show a multiple choice of a few options as checkboxes: one click each, all visible."""
    for field in form.fields.values():
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and \
                len(list(field.choices)) <= SHORT_CHOICES:
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        elif isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = (("unknown", "Either"), ("true", "Yes"), ("false", "No"))


def list_query(request, *, drop: tuple[str, ...] = ("page", "export")) -> str:
    """The current list state as a query string, without pagination and export keys."""
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


class CatalogueListView(ObjectListView):
    """A catalogue list: the generic list plus a search box, styled filters and saved searches."""

    template_name = "inventory/catalogue_list.html"
    list_route = ""  # the route name saved searches reopen, e.g. "inventory:mlmodel_list"
    search_label = "Search"
    search_help = "Words in names, purposes, descriptions and tags."
    presets: list[tuple[str, str]] = []  # (label, query string) quick filters
    # Filters shown first, in this order; the others fold under "More filters".
    primary_filters: list[str] = ["team", "owner", "domain", "compliance_tag", "confidential"]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        filterset = context["filterset"]
        if filterset is not None:
            _checkbox_short_choices(filterset.form)
            # The search box above the table owns `q`; column headers own the sort order;
            # the API's alternative spellings of a filter stay out of the panel.
            shown = [f for f in filterset.form if f.name not in PANEL_HIDDEN]
            first = [name for name in self.primary_filters if name in filterset.form.fields]
            context["panel_fields"] = sorted(
                (f for f in shown if f.name in first), key=lambda f: first.index(f.name))
            context["more_fields"] = [f for f in shown if f.name not in first]
            context["more_open"] = any(self.request.GET.get(f.name) for f in context["more_fields"])
            context["has_search"] = "q" in filterset.form.fields
        columns = screen_columns(self.columns)
        context["columns"] = columns
        context["rows"] = [[c.cell(row) for c in columns] for row in context["page_obj"].object_list]
        context.update({
            "add_label": getattr(self, "add_label", ""),
            "list_route": self.list_route,
            "saved_searches": SavedSearch.objects.filter(user=self.request.user,
                                                         page=self.list_route),
            "current_query": list_query(self.request, drop=("page", "export", "per_page")),
            "search_text": self.request.GET.get("q", ""),
            "search_label": self.search_label,
            "search_help": self.search_help,
            "search_hidden": [(k, v) for k, values in self.request.GET.lists()
                              if k not in ("q", "page", "export") for v in values],
            "presets": [(label, f"{reverse(self.list_route)}?{query}")
                        for label, query in self.presets],
        })
        return context


class MLModelListView(CatalogueListView):
    model = MLModel
    title = "Models"
    description = ("Every registered machine-learning model: who owns it, where it is in its "
                   "life (stage), how much risk it carries (risk tier) and which rules apply.")
    empty_message = ("No model is registered yet. Data scientists and model owners register "
                     "models with the Register a model button, the admin or the API.")
    default_sort = "name"
    filterset_class = MLModelFilterSet
    add_url_name = "inventory:mlmodel_add"
    add_label = "Register a model"
    list_route = "inventory:mlmodel_list"
    search_label = "Search models"
    search_help = "Words in names, purposes, descriptions and tags, e.g. credit or churn."
    columns = MLMODEL_COLUMNS
    primary_filters = ["stage", "risk_tier", "compliance_tag", "team", "owner", "domain",
                       "origin", "metric", "confidential"]

    @property
    def presets(self):
        return [
            ("In production", f"stage={ModelStage.PRODUCTION}"),
            ("High or critical risk", f"risk_tier={RiskTier.HIGH}&risk_tier={RiskTier.CRITICAL}"),
            ("Third-party and open-weights", f"origin={Origin.VENDOR}&origin={Origin.OPEN_WEIGHTS}"),
        ]


class DatasetListView(CatalogueListView):
    model = Dataset
    title = "Datasets"
    description = ("Data that models are trained, validated and tested on, with how sensitive "
                   "it is and where it must stay (residency).")
    empty_message = ("No dataset is registered yet. Datasets are registered with the "
                     "Register a dataset button, the admin or the API.")
    default_sort = "name"
    list_route = "inventory:dataset_list"
    add_url_name = "inventory:dataset_add"
    add_label = "Register a dataset"
    filterset_class = DatasetFilterSet
    search_label = "Search datasets"
    columns = DATASET_COLUMNS
    primary_filters = ["sensitivity", "team", "owner", "domain", "residency_region",
                       "compliance_tag", "confidential"]


class FeatureListView(CatalogueListView):
    model = Feature
    title = "Features"
    description = "Inputs served to models, how each is computed and the dataset it comes from."
    empty_message = ("No feature is registered yet. Features are registered with the "
                     "Register a feature button, the admin or the API.")
    default_sort = "name"
    list_route = "inventory:feature_list"
    add_url_name = "inventory:feature_add"
    add_label = "Register a feature"
    filterset_class = FeatureFilterSet
    search_label = "Search features"
    columns = FEATURE_COLUMNS
    primary_filters = ["dataset", "team", "owner", "domain", "data_type", "confidential"]

    def get_queryset(self):
        from django.db.models import Exists, OuterRef

        visible = Dataset.objects.restrict(self.request.user, "view").filter(pk=OuterRef("dataset_id"))
        return super().get_queryset().select_related("dataset").annotate(
            dataset_visible=Exists(visible))


class PipelineListView(CatalogueListView):
    model = Pipeline
    title = "Pipelines"
    description = "Training and inference pipelines, where their code lives and how they run."
    empty_message = ("No pipeline is registered yet. Pipelines are registered with the "
                     "Register a pipeline button, the admin or the API.")
    default_sort = "name"
    list_route = "inventory:pipeline_list"
    add_url_name = "inventory:pipeline_add"
    add_label = "Register a pipeline"
    filterset_class = PipelineFilterSet
    search_label = "Search pipelines"
    columns = PIPELINE_COLUMNS
    primary_filters = ["orchestrator", "team", "owner", "domain", "confidential"]


class LicenceListView(MLModelListView):
    """Third-party and open-weights models with what their licence allows."""

    title = "Licences"
    description = ("Models bought from vendors or taken from open-weights releases: their licence "
                   "(SPDX identifier), whether they may be passed on to others (redistribution) "
                   "and the credit the licence requires (attribution).")
    empty_message = ("No third-party or open-weights model is registered. Register one from "
                     "the Models page (Register a model) and set its origin, supplier and "
                     "licence.")
    add_url_name = ""
    list_route = "inventory:licence_list"
    columns = LICENCE_COLUMNS
    primary_filters = ["stage", "redistribution", "origin", "licence", "supplier", "team",
                       "risk_tier"]

    @property
    def presets(self):
        return [
            ("Production models that may not be redistributed",
             f"stage={ModelStage.PRODUCTION}&redistribution={Redistribution.PROHIBITED}"),
            ("Redistribution only with conditions", f"redistribution={Redistribution.CONDITIONS}"),
            ("Open-weights models", f"origin={Origin.OPEN_WEIGHTS}"),
        ]

    def get_queryset(self):
        return super().get_queryset().exclude(origin=Origin.INTERNAL)


# --------------------------------------------------------------------------------------
# Catalogue details
# --------------------------------------------------------------------------------------
class AssetDetailView(ObjectDetailView):
    """Detail of a catalogue asset; reading a confidential one is recorded as an access event."""

    template_name = "inventory/asset_detail.html"
    list_route = ""

    def get_queryset(self):
        return super().get_queryset().select_related("team", "owner", "steward")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.confidential:
            access_event_record(request=self.request, action=AccessAction.VIEW, obj=obj)
        return obj

    def extra_facts(self) -> list[tuple[str, object]]:
        return []

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        obj = self.object
        user = self.request.user
        context.update({
            "title": obj.name,
            "type_label": self.model._meta.verbose_name,
            "list_url": reverse(self.list_route),
            "list_label": self.model._meta.verbose_name_plural.capitalize(),
            "facts": self.extra_facts(),
            "history": history_entries(obj, user=user),
            "gaps": _metadata_gaps(obj),
            "can_change": user_can(user, "change", obj),
            "admin_url": _admin_url(obj) if user.is_staff and user_can(user, "change", obj) else "",
        })
        if self.model is not MLModel:  # the model page has its own actions
            context.update(_action_urls(obj, user))
        return context


def _action_urls(obj, user) -> dict[str, str]:
    """The dashboard's edit and delete pages of `obj`, for a user who may use them."""
    name = obj._meta.model_name
    urls = {}
    for key, action, route in (("edit_url", "change", "edit"), ("delete_url", "delete", "delete")):
        try:
            url = reverse(f"inventory:{name}_{route}", args=[obj.pk])
        except NoReverseMatch:
            url = ""
        urls[key] = url if url and user_can(user, action, obj) else ""
    return urls


def _admin_url(obj) -> str:
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _metadata_gaps(obj) -> list[str]:
    """What the metadata standard still misses on `obj`, as field labels (the backend's rule)."""
    return [field_label(type(obj), name) for name in asset_metadata_gaps(obj)]


class MLModelDetailView(AssetDetailView):
    model = MLModel
    template_name = "inventory/mlmodel_detail.html"
    list_route = "inventory:mlmodel_list"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags", "compliance_tags")

    def get_context_data(self, **kwargs) -> dict:
        from inventory.selectors.versions import version_timeline

        context = super().get_context_data(**kwargs)
        obj = self.object
        user = self.request.user
        context.update({
            "type_label": "model",
            **version_timeline(obj, user),
            "metrics": sorted((obj.evaluation_metrics or {}).items()),
            "stage_badge": STAGE_BADGES.get(obj.stage, "secondary"),
            "risk_badge": RISK_BADGES.get(obj.risk_tier, "secondary"),
            "stage_badges": STAGE_BADGES,
            "frozen_stages": _frozen_stages(),
            "can_delete": not obj.ever_in_production and user_can(user, "delete", obj),
            "input_schema_text": _pretty_json(obj.input_schema),
            "output_schema_text": _pretty_json(obj.output_schema),
        })
        return context


def _frozen_stages() -> list[str]:
    return [str(stage) for stage in FROZEN_STAGES]


def _pretty_json(value) -> str:
    import json

    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) if value else ""


def _dataset_version_actions(dataset: Dataset, user, dataset_versions: list) -> dict:
    """"Record a version" for who may, and each version's edit link unless it is frozen."""
    from inventory.models import DatasetVersion, ModelVersionDataset

    may_add = user_can(user, "add", model=DatasetVersion) and user_can(user, "change", dataset)
    may_change = user_has_any_permission(user, "change", DatasetVersion)
    frozen = set(ModelVersionDataset.objects.filter(
        dataset_version__dataset=dataset, model_version__stage__in=FROZEN_STAGES)
        .values_list("dataset_version_id", flat=True)) if may_change else set()
    changeable = set(DatasetVersion.objects.restrict(user, "change").filter(dataset=dataset)
                     .values_list("pk", flat=True)) if may_change else set()
    for version in dataset_versions:
        version.frozen = version.pk in frozen
        version.edit_url = reverse("inventory:datasetversion_edit", args=[version.pk]) if (
            version.pk in changeable and not version.frozen) else ""
    return {"version_add_url": reverse("inventory:datasetversion_add", args=[dataset.pk])
            if may_add else ""}


def _storage_recommendation(dataset: Dataset) -> str:
    """"Held by Custodia — why" from size, sensitivity and access frequency."""
    from inventory.choices import StorageMode

    mode, reason = dataset.storage_recommendation()
    agrees = " (as now)" if mode == dataset.storage_mode else ""
    return f"{StorageMode(mode).label}{agrees}: {reason}"


class DatasetDetailView(AssetDetailView):
    model = Dataset
    list_route = "inventory:dataset_list"
    filterset_class = DatasetFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags", "compliance_tags")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.is_sensitive and not obj.confidential:  # confidential ones are logged already
            access_event_record(request=self.request, action=AccessAction.VIEW, obj=obj)
        return obj

    def extra_facts(self):
        obj = self.object
        facts = [
            ("Sensitivity", obj.get_sensitivity_display()),
            ("Storage", obj.get_storage_mode_display()),
            ("Residency region", obj.residency_region),
            ("Access frequency", obj.get_access_frequency_display()),
            ("Storage recommendation", _storage_recommendation(obj)),
        ]
        if not obj.details_visible_to(self.request.user):
            return [*facts, ("Location and datasheet",
                             "Hidden: seeing where sensitive data is and its datasheet needs "
                             "the “view sensitive dataset” permission.")]
        return facts + [(str(Dataset._meta.get_field(name).verbose_name).capitalize(),
                         getattr(obj, name) or "—") for name in Dataset.DATASHEET_FIELDS]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        obj = self.object
        hidden = not obj.details_visible_to(self.request.user)
        context["dataset_versions"] = list(obj.versions.order_by("-version"))
        for version in context["dataset_versions"]:
            version.location_hidden = hidden
        context["features"] = list(Feature.objects.restrict(self.request.user, "view")
                                   .filter(dataset=obj).order_by("name"))
        if context["dataset_versions"]:  # the catalogue service refuses the deletion
            context["delete_url"] = ""
        context.update(_dataset_version_actions(obj, self.request.user,
                                                context["dataset_versions"]))
        return context


class FeatureDetailView(AssetDetailView):
    model = Feature
    list_route = "inventory:feature_list"
    filterset_class = FeatureFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags", "compliance_tags")

    def extra_facts(self):
        obj = self.object
        dataset = None
        if obj.dataset_id:
            dataset = Dataset.objects.restrict(self.request.user, "view").filter(
                pk=obj.dataset_id).first()
        return [
            ("Data type", obj.data_type),
            ("Source dataset", dataset if dataset else ("not visible to you" if obj.dataset_id
                                                          else "")),
            ("How it is computed (transformation)", obj.transformation),
        ]


class PipelineDetailView(AssetDetailView):
    model = Pipeline
    list_route = "inventory:pipeline_list"
    filterset_class = PipelineFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags", "compliance_tags")

    def extra_facts(self):
        obj = self.object
        return [
            ("Code repository", obj.repository_url),
            ("Orchestrator", obj.orchestrator),
            ("Schedule", obj.schedule),
        ]


# --------------------------------------------------------------------------------------
# Registering, editing and deleting a model (the dashboard door of the catalogue services)
# --------------------------------------------------------------------------------------
class MLModelFormView(InvalidFieldsMarkedMixin, RestrictedViewMixin, FormView):
    """Shared by register and edit: the form re-displays everything typed when refused."""

    model = MLModel
    form_class = MLModelForm
    template_name = "inventory/mlmodel_form.html"
    object = None

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class), small=False)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["title"] = f"Edit {self.object.name}" if self.object else "Register a model"
        form = context["form"]
        context["error_fields"] = [form[name] for name in form.errors if name in form.fields]
        return context

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        except ConflictError as error:  # a legal hold, named in the message
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(obj.get_absolute_url())


class MLModelCreateView(MLModelFormView):
    permission_action = "add"

    def save(self, form):
        reason = form.cleaned_data.get("change_reason") or "Registered in the dashboard"
        obj = catalogue.mlmodel_create(actor=self.request.user, reason=reason,
                                       data=form.service_data())
        messages.success(self.request, f"Registered the model \u201c{obj.name}\u201d.")
        return obj


class MLModelEditView(MLModelFormView):
    permission_action = "view"
    object_action = "change"

    def dispatch(self, request, *args, **kwargs):
        # 403 without the permission at all; 404 for a model the user may not see; 403 for
        # one they see but may not change (house style, "Permissions").
        if request.user.is_authenticated:
            if not user_has_any_permission(request.user, self.object_action, MLModel):
                raise PermissionDenied
            self.object = get_object_or_404(self.restricted_queryset(), pk=kwargs["pk"])
            if not user_can(request.user, self.object_action, self.object):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        reason = form.cleaned_data.get("change_reason") or "Edited in the dashboard"
        obj = catalogue.mlmodel_update(model=self.object, actor=self.request.user, reason=reason,
                                       data=form.service_data())
        messages.success(self.request, f"Saved the changes to \u201c{obj.name}\u201d.")
        return obj


class MLModelDeleteView(MLModelEditView):
    """Confirm, give a reason, delete through the service (refused once ever in production)."""

    form_class = MLModelDeleteForm
    template_name = "inventory/mlmodel_confirm_delete.html"
    object_action = "delete"

    def get_form_kwargs(self) -> dict:
        return FormView.get_form_kwargs(self)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["title"] = f"Delete {self.object.name}"
        return context

    def form_valid(self, form):
        name = self.object.name
        try:
            catalogue.mlmodel_delete(model=self.object, actor=self.request.user,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        except ConflictError as error:  # a legal hold, or records still referring to it
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Deleted the model \u201c{name}\u201d.")
        return HttpResponseRedirect(reverse("inventory:mlmodel_list"))


class RiskRegisterView(LoginRequiredMixin, TemplateView):
    """Where risk concentrates: models by risk tier and stage, as a chart and as a table."""

    template_name = "inventory/risk_register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_any_permission(
                request.user, "view", MLModel):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["title"] = "Risk register"
        context["matrix"] = risk_stage_matrix(user)
        context["high_risk_live"] = (
            MLModel.objects.restrict(user, "view").for_list()
            .filter(risk_tier__in=[RiskTier.HIGH, RiskTier.CRITICAL],
                    stage__in=[ModelStage.PRODUCTION, ModelStage.STAGING])
            .order_by("-risk_rank", "name"))
        return context


# --------------------------------------------------------------------------------------
# Saved searches (per user, per list page)
# --------------------------------------------------------------------------------------
SAVED_SEARCH_PAGES: dict[str, type] = {
    "inventory:mlmodel_list": MLModel, "inventory:dataset_list": Dataset,
    "inventory:feature_list": Feature, "inventory:pipeline_list": Pipeline,
    "inventory:licence_list": MLModel,
}


class SavedSearchCreateView(LoginRequiredMixin, View):
    """Save the current filter of a list page under a name."""

    def post(self, request, *args, **kwargs):
        page = request.POST.get("page", "")
        if page not in SAVED_SEARCH_PAGES:
            raise Http404("No such list page.")
        if not user_has_any_permission(request.user, "view", SAVED_SEARCH_PAGES[page]):
            raise PermissionDenied
        form = SavedSearchForm(request.POST, pages=SAVED_SEARCH_PAGES)
        query = request.POST.get("query", "")
        if form.is_valid():
            query = form.cleaned_data["query"]
            try:
                catalogue.saved_search_create(
                    user=request.user, page=page, name=form.cleaned_data["name"], query=query)
            except ValidationError as error:
                messages.error(request, "The search was not saved: " + " ".join(error.messages))
            else:
                messages.success(request,
                                 f"Saved the search \u201c{form.cleaned_data['name']}\u201d.")
        else:
            problems = " ".join(e for errors in form.errors.values() for e in errors)
            messages.error(request, f"The search was not saved: {problems}")
        return HttpResponseRedirect(reverse(page) + (f"?{query}" if query else ""))


class SavedSearchDeleteView(LoginRequiredMixin, View):
    """Delete one of your own saved searches (another user's is not found)."""

    def post(self, request, pk: int, *args, **kwargs):
        saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
        page, name = saved.page, saved.name
        catalogue.saved_search_delete(search=saved, user=request.user)
        messages.success(request, f"Deleted the saved search \u201c{name}\u201d.")
        try:
            return HttpResponseRedirect(reverse(page))
        except NoReverseMatch:
            return HttpResponseRedirect(reverse("home"))


# --------------------------------------------------------------------------------------
# Add, edit and delete pages of every other record (datasets, features, pipelines, dataset
# versions, retention policies, legal holds): one shape, each calling its service
# --------------------------------------------------------------------------------------
class RecordFormView(InvalidFieldsMarkedMixin, RestrictedViewMixin, FormView):
    """An add or edit page: the form re-displays everything typed when refused; a service's
    `ValidationError` lands next to its fields, a `ConflictError` (the record's state refuses
    the change) is a message on the record's page. Subclasses define `save(form)`."""

    template_name = "inventory/record_form.html"
    object = None
    noun = ""  # "dataset": used in titles and buttons
    intro = ""  # what the page does, in one or two sentences
    list_route = ""

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if issubclass(self.get_form_class(), forms.ModelForm):
            kwargs["instance"] = self.object
        return kwargs

    def get_form(self, form_class=None):
        return style_form(super().get_form(form_class), small=False)

    def get_title(self) -> str:
        return f"Edit {self.object}" if self.object else f"Add a {self.noun}"

    def get_submit_label(self) -> str:
        return "Save changes" if self.object else f"Add the {self.noun}"

    def get_cancel_url(self) -> str:
        if self.object is not None and hasattr(self.object, "get_absolute_url"):
            return self.object.get_absolute_url()
        return reverse(self.list_route)

    def get_list_label(self) -> str:
        return self.model._meta.verbose_name_plural.capitalize()

    def get_crumbs(self) -> list[tuple[str, str]]:
        """Pages between the list and this one in the breadcrumb, as (label, url)."""
        cancel = self.get_cancel_url()
        if self.object is not None and cancel != reverse(self.list_route):
            return [(str(self.object), cancel)]
        return []

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update({
            "object": self.object,
            "title": self.get_title(),
            "intro": self.intro,
            "submit_label": self.get_submit_label(),
            "cancel_url": self.get_cancel_url(),
            "list_url": reverse(self.list_route),
            "list_label": self.get_list_label(),
            "crumbs": self.get_crumbs(),
            "sections": form.sections() if hasattr(form, "sections") else [
                ("", [field for field in form if field.name != "change_reason"])],
            "error_fields": [form[name] for name in form.fields if name in form.errors],
            "danger": getattr(self, "danger", False),
        })
        return context

    def form_valid(self, form):
        try:
            target = self.save(form)
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        except ConflictError as error:
            messages.error(self.request, f"Nothing was saved: {error}")
            return HttpResponseRedirect(self.get_cancel_url())
        return HttpResponseRedirect(target)

    def save(self, form) -> str:
        """Write through the service; return where to go next."""
        raise NotImplementedError

    def reason(self, form, default: str) -> str:
        return (form.cleaned_data.get("change_reason") or form.cleaned_data.get("reason")
                or default)


class RecordEditMixin:
    """403 without the permission at all; 404 for a record the user may not see; 403 for one
    they see but may not change (house style, "Permissions"). Frozen records are read-only:
    `frozen_message(obj)` names why, and the page sends the user back to the record."""

    permission_action = "view"
    object_action = "change"

    def get_object(self, pk: int):
        return get_object_or_404(self.restricted_queryset(), pk=pk)

    def frozen_message(self, obj) -> str:
        return ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not user_has_any_permission(request.user, self.object_action, self.model):
                raise PermissionDenied
            self.object = self.get_object(kwargs["pk"])
            if not user_can(request.user, self.object_action, self.object):
                raise PermissionDenied
            frozen = self.frozen_message(self.object)
            if frozen:
                messages.error(request, frozen)
                return HttpResponseRedirect(self.get_cancel_url())
        return super().dispatch(request, *args, **kwargs)


class AssetCreateView(RecordFormView):
    """Register a dataset, feature or pipeline through `catalogue.asset_create`."""

    permission_action = "add"

    def get_title(self) -> str:
        return f"Register a {self.noun}"

    def get_submit_label(self) -> str:
        return f"Register the {self.noun}"

    def save(self, form) -> str:
        obj = catalogue.asset_create(
            model_class=self.model, actor=self.request.user,
            reason=self.reason(form, "Registered in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Registered the {self.noun} \u201c{obj.name}\u201d.")
        return obj.get_absolute_url()


class AssetEditView(RecordEditMixin, RecordFormView):
    """Change a dataset's, feature's or pipeline's metadata through `catalogue.asset_update`."""

    def save(self, form) -> str:
        obj = catalogue.asset_update(
            asset=self.object, actor=self.request.user,
            reason=self.reason(form, "Edited in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Saved the changes to \u201c{obj.name}\u201d.")
        return obj.get_absolute_url()


class AssetDeleteView(RecordEditMixin, RecordFormView):
    """Confirm with a reason, delete through `catalogue.asset_delete` (which may refuse)."""

    form_class = DeleteForm
    object_action = "delete"
    danger = True

    def get_title(self) -> str:
        return f"Delete {self.object}?"

    def get_submit_label(self) -> str:
        return f"Delete the {self.noun}"

    def save(self, form) -> str:
        name = self.object.name
        catalogue.asset_delete(asset=self.object, actor=self.request.user,
                               reason=form.cleaned_data["reason"])
        messages.success(self.request, f"Deleted the {self.noun} \u201c{name}\u201d.")
        return reverse(self.list_route)


_DATASET_INTRO = ("Tell the catalogue what the data is, who answers for it, how sensitive it is "
                  "and where it must stay. It is checked against the metadata standard and the "
                  "naming convention; if something is missing, nothing is saved and each "
                  "problem is shown next to its field. Every change is kept in the history "
                  "with your name and your reason.")
_FEATURE_INTRO = ("Tell the catalogue what the feature is, the dataset it is computed from and "
                  "how. Every change is kept in the history with your name and your reason.")
_PIPELINE_INTRO = ("Tell the catalogue what the pipeline does, where its code lives and how it "
                   "runs. Every change is kept in the history with your name and your reason.")
_DELETE_INTRO = ("It leaves the catalogue; its history of changes is kept as evidence.")


class DatasetCreateView(AssetCreateView):
    model, form_class, noun, intro = Dataset, DatasetForm, "dataset", _DATASET_INTRO
    list_route = "inventory:dataset_list"


class DatasetEditView(AssetEditView):
    model, form_class, noun, intro = Dataset, DatasetForm, "dataset", _DATASET_INTRO
    list_route = "inventory:dataset_list"


class DatasetDeleteView(AssetDeleteView):
    model, noun, list_route = Dataset, "dataset", "inventory:dataset_list"
    intro = _DELETE_INTRO + " A dataset with recorded versions cannot be deleted."


class FeatureCreateView(AssetCreateView):
    model, form_class, noun, intro = Feature, FeatureForm, "feature", _FEATURE_INTRO
    list_route = "inventory:feature_list"


class FeatureEditView(AssetEditView):
    model, form_class, noun, intro = Feature, FeatureForm, "feature", _FEATURE_INTRO
    list_route = "inventory:feature_list"


class FeatureDeleteView(AssetDeleteView):
    model, noun, list_route, intro = Feature, "feature", "inventory:feature_list", _DELETE_INTRO


class PipelineCreateView(AssetCreateView):
    model, form_class, noun, intro = Pipeline, PipelineForm, "pipeline", _PIPELINE_INTRO
    list_route = "inventory:pipeline_list"


class PipelineEditView(AssetEditView):
    model, form_class, noun, intro = Pipeline, PipelineForm, "pipeline", _PIPELINE_INTRO
    list_route = "inventory:pipeline_list"


class PipelineDeleteView(AssetDeleteView):
    model, noun, list_route, intro = Pipeline, "pipeline", "inventory:pipeline_list", _DELETE_INTRO
