"""Admin of the catalogue: models, datasets, features, pipelines, teams and tags.

Data scientists register and edit catalogue assets here. The admin obeys the same rules
as the API and the dashboards (house style, "One rule, every door"):
- the forms' `clean()` runs `registration_problems`, so every problem shows next to its
  field and nothing is written;
- `save_model`/`delete_model` call the catalogue services (history with user and reason,
  object grants, classification);
- changelists and object pages are restricted like every other list: another team's
  confidential asset is absent from the changelist and its pages answer 404/403;
- risk tier and compliance tags are read-only to those who may not set them, stages and
  version numbers are read-only to everyone (they change by transitions).
"""

from __future__ import annotations

import itertools

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.text import capfirst

from core.admin.base import GovernedAdmin
from core.exceptions import ConflictError
from core.permissions import restrict_queryset, user_can
from inventory.models import ComplianceTag, Dataset, Feature, MLModel, ModelVersion, Pipeline, Tag, Team
from inventory.services import catalogue
from inventory.services.retention import legal_hold_refuse
from inventory.services.standards import asset_type_for, registration_problems


# --------------------------------------------------------------------------------------
# Forms: the registration check next to the fields
# --------------------------------------------------------------------------------------
def add_legal_hold_error(form: forms.ModelForm) -> None:
    """A record under legal hold is refused at the form, naming the hold, before the
    service is called (which would refuse it too): nothing is saved."""
    if form.instance.pk is None:
        return
    try:
        legal_hold_refuse(form.instance, doing="changed")
    except ConflictError as error:
        form.add_error(None, error.message)


class RegistrationAdminForm(forms.ModelForm):
    """Runs the services' registration check in `clean()`; takes tags as typed text."""

    change_reason = forms.CharField(
        required=False, max_length=500, label="Reason for this change",
        help_text="Stored in the history with your name.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"] = forms.CharField(
                required=False, label="Tags",
                help_text="Free tags separated by commas; new ones are created.")
            if self.instance.pk:
                self.initial["tags"] = ", ".join(
                    self.instance.tags.values_list("name", flat=True))

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def clean_labels(self) -> dict:
        """An empty labels box means no labels (the column holds an object, never null)."""
        return self.cleaned_data.get("labels") or {}

    def service_data(self) -> dict:
        """The cleaned values the services take (form-only fields left out)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name in self.fields and name != "change_reason"}

    def clean(self):
        cleaned = super().clean()
        add_legal_hold_error(self)
        problems = registration_problems(
            asset_type=asset_type_for(self._meta.model), data=self.registration_data(),
            instance=self.instance if self.instance.pk else None,
            model_validation=False)  # the ModelForm runs the model's validation itself
        # Fields that did not even parse (bad JSON, a bad date) keep their own message.
        unparsed = set(self.errors)
        for name, found in problems.items():
            target = name if name in self.fields else None
            if target in unparsed:
                continue
            for message in found:
                if target is None and name != "__all__":
                    message = f"{name.replace('_', ' ').capitalize()}: {message}"
                self.add_error(target, message)
        return cleaned

    def registration_data(self) -> dict:
        return self.service_data()

    def validate_unique(self) -> None:
        """Duplicate names are reported by the registration check, once, with a suggestion."""


# --------------------------------------------------------------------------------------
# Catalogue assets
# --------------------------------------------------------------------------------------
class HiddenFieldsAdminMixin:
    """Leaves out of the change form (and of old versions in the history) the fields the
    record hides from this user: a sensitive dataset's location and datasheet (GDPR art. 9)."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if obj is not None and hasattr(obj, "hidden_fields_for"):
            exclude += sorted(obj.hidden_fields_for(request.user))
        return exclude or None

    def get_fields(self, request, obj=None):
        hidden = obj.hidden_fields_for(request.user) if obj is not None and hasattr(
            obj, "hidden_fields_for") else frozenset()
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a sensitive or confidential dataset (or version) here is an access event,
        as in the API and the dashboards."""
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original") if hasattr(
            response, "context_data") else None
        dataset = getattr(obj, "dataset", obj)
        if request.method == "GET" and dataset is not None and (
                getattr(dataset, "is_sensitive", False) or getattr(dataset, "confidential", False)):
            from core.choices import AccessAction
            from core.services.audit import access_event_record

            access_event_record(request=request, action=AccessAction.VIEW, obj=obj)
        return response

    def set_history_delta_changes(self, request, historical_records,
                                  foreign_keys_are_objs=True):
        """The history list's "changes" leave out the hidden fields too."""
        records = list(historical_records)
        live = records[0].instance if records else None
        hidden = sorted(live.hidden_fields_for(request.user)) if hasattr(
            live, "hidden_fields_for") else []
        for previous, current in itertools.pairwise(records):
            delta = previous.diff_against(current, foreign_keys_are_objs=foreign_keys_are_objs,
                                          excluded_fields=hidden)
            helper = self.get_historical_record_context_helper(request, previous)
            previous.history_delta_changes = helper.context_for_delta_changes(delta)


class CatalogueAdmin(GovernedAdmin):
    """Writes through the catalogue services; hidden rows answer 404, not a redirect."""

    form = RegistrationAdminForm
    list_select_related = ["team", "owner"]
    search_fields = ["name", "purpose", "description", "tags__name"]
    autocomplete_fields: list[str] = []
    readonly_fields = ["created_at", "updated_at"]
    # Links typed without a scheme are taken as https (Django 6's default, set explicitly).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "owner", "steward")

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for a missing object; a row the user may not see
        # must look exactly like one that does not exist (house style: 404).
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_with_service(self, request, obj, form, change) -> None:
        reason = form.cleaned_data.get("change_reason") or (
            "Changed in the admin" if change else "Registered in the admin")
        data = form.service_data()
        if change:
            saved = catalogue.asset_update(asset=obj, actor=request.user, reason=reason, data=data)
        else:
            saved = catalogue.asset_create(model_class=self.model, actor=request.user,
                                           reason=reason, data=data)
        adopt_saved(obj, saved)

    def save_related(self, request, form, formsets, change) -> None:
        # The service already set tags and compliance tags; inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        try:
            catalogue.asset_delete(asset=obj, actor=request.user, reason="Deleted in the admin")
        except (ValidationError, ConflictError) as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            raise _Refused from error

    def get_deleted_objects(self, objs, request):
        """A never-deployed model's versions go with it (the service deletes them), so they
        are not listed as protected here; the service refuses with a message naming a hold,
        a production past or any other record still in the way."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request)
        if self.model is MLModel:
            own_versions = f"{capfirst(ModelVersion._meta.verbose_name)}: "
            protected = [row for row in protected if not str(row).startswith(own_versions)]
            perms_needed = perms_needed - {str(ModelVersion._meta.verbose_name)}
        return to_delete, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused:
            from django.shortcuts import redirect

            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                            object_id)

    def delete_queryset(self, request, queryset):
        refused, deleted = [], 0
        for obj in queryset:
            try:
                catalogue.asset_delete(asset=obj, actor=request.user,
                                       reason="Deleted in the admin")
                deleted += 1
            except (ValidationError, ConflictError) as error:
                refused.append(" ".join(error.messages))
        for message in refused:
            self.message_user(request, message, messages.ERROR)
        if refused:
            if deleted:
                self.message_user(request, f"Deleted {deleted} of {deleted + len(refused)}.",
                                  messages.SUCCESS)
            raise _Refused  # the bulk action must not then report every row deleted

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _action, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_through_services, name, description)
        return actions


class _Refused(Exception):
    """A service refused a deletion; the admin shows its message instead of 'deleted'."""


def _delete_selected_through_services(modeladmin, request, queryset):
    """Django's bulk delete, its confirmation page included; when the catalogue service
    refused some rows, back to the list with the refusals instead of "deleted"."""
    from django.contrib.admin.actions import delete_selected

    try:
        return delete_selected(modeladmin, request, queryset)
    except _Refused:
        return None


def adopt_saved(obj, saved) -> None:
    """Make the admin's in-memory object the saved row (the admin logs and redirects with it)."""
    for model_field in saved._meta.concrete_fields:
        setattr(obj, model_field.attname, getattr(saved, model_field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ModelVersionInline(admin.TabularInline):
    """The versions timeline of a model, read-only: versions are registered on their own page
    (numbering and validation by `model_version_register`)."""

    model = ModelVersion
    fields = ["version", "stage", "artifact_uri", "training_date", "evaluation_metrics",
              "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(MLModel)
class MLModelAdmin(CatalogueAdmin):
    list_display = ["name", "team", "owner", "stage", "risk_tier", "origin", "licence",
                    "classification", "confidential", "updated_at"]
    list_filter = ["stage", "risk_tier", "origin", "classification", "redistribution",
                   "confidential", "purpose_category", "automated_decisions", "business_impact",
                   "team",
                   "compliance_tags"]
    search_fields = [*CatalogueAdmin.search_fields, "supplier", "licence", "domain"]
    filter_horizontal = ["compliance_tags"]
    inlines = [ModelVersionInline]
    actions = ["reclassify"]
    readonly_fields = ["stage", "classification", "classification_rationale",
                       "ever_in_production", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "purpose", "description", "domain", "purpose_category",
                           "tags", "compliance_tags", "confidential", "tracked_artefacts",
                           "labels"]}),
        ("Ownership", {"fields": ["owner", "steward", "team"]}),
        ("Decisions about people", {"fields": ["automated_decisions", "human_oversight",
                                               "impact_assessment_url"]}),
        ("Risk and lifecycle", {"fields": ["risk_tier", "business_impact", "stage",
                                           "ever_in_production"]}),
        ("Origin and licence", {"fields": ["origin", "supplier", "source_url", "licence",
                                           "permitted_uses", "redistribution",
                                           "redistribution_terms", "attribution"]}),
        ("Model card", {"fields": ["out_of_scope_uses", "factors", "ethical_considerations",
                                   "caveats"]}),
        ("Accounting", {"fields": ["development_cost", "classification",
                                   "classification_rationale"]}),
        ("Technical metadata", {"fields": ["training_date", "input_schema", "output_schema",
                                           "evaluation_metrics", "training_environment",
                                           "inference_requirements"]}),
        ("Change", {"fields": ["change_reason", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Controlled fields: shown, not editable, to whoever may not set them, on the add
        # form too (a new model starts at the default tier, without compliance tags).
        fields = list(super().get_readonly_fields(request, obj))
        if not user_can(request.user, "set_risk_tier_mlmodel", obj, model=MLModel):
            fields.append("risk_tier")
        if not user_can(request.user, "set_compliance_tags_mlmodel", obj, model=MLModel):
            fields.append("compliance_tags")
        return fields

    @admin.action(description="Re-apply the accounting policy to the selected models")
    def reclassify(self, request, queryset):
        changed = 0
        for model in restrict_queryset(queryset, request.user, "change"):
            before = model.classification
            updated = catalogue.mlmodel_reclassify(
                model=model, actor=request.user, reason="Accounting policy re-applied in the admin")
            changed += updated.classification != before
        self.message_user(request, f"{changed} model(s) changed classification.")


@admin.register(Dataset)
class DatasetAdmin(HiddenFieldsAdminMixin, CatalogueAdmin):
    list_display = ["name", "team", "owner", "sensitivity", "storage_mode", "residency_region",
                    "confidential", "updated_at"]
    list_filter = ["sensitivity", "storage_mode", "residency_region", "confidential", "team"]
    filter_horizontal = ["compliance_tags"]


@admin.register(Feature)
class FeatureAdmin(CatalogueAdmin):
    list_display = ["name", "team", "owner", "data_type", "source_dataset", "confidential"]
    list_filter = ["data_type", "confidential", "team"]
    list_select_related = ["team", "owner", "dataset"]
    filter_horizontal = ["compliance_tags"]

    def get_queryset(self, request):
        # Another team's confidential dataset is not named in the changelist (one EXISTS
        # per row in SQL, no query per row).
        from django.db.models import Exists, OuterRef

        visible = Dataset.objects.restrict(request.user, "view").filter(pk=OuterRef("dataset_id"))
        return super().get_queryset(request).annotate(dataset_visible=Exists(visible))

    @admin.display(description="Dataset", ordering="dataset__name")
    def source_dataset(self, obj) -> str:
        if not obj.dataset_id:
            return "—"
        return str(obj.dataset) if getattr(obj, "dataset_visible", False) else "(not visible to you)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dataset":
            kwargs["queryset"] = Dataset.objects.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Pipeline)
class PipelineAdmin(CatalogueAdmin):
    list_display = ["name", "team", "owner", "orchestrator", "schedule", "confidential"]
    list_filter = ["orchestrator", "confidential", "team"]
    filter_horizontal = ["compliance_tags"]


# --------------------------------------------------------------------------------------
# Vocabularies and registration rules (platform admins)
# --------------------------------------------------------------------------------------
@admin.register(Team)
class TeamAdmin(GovernedAdmin):
    list_display = ["name", "slug", "business_unit"]
    list_filter = ["business_unit"]
    search_fields = ["name", "slug", "business_unit"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(ComplianceTag)
class ComplianceTagAdmin(GovernedAdmin):
    list_display = ["name", "description"]
    search_fields = ["name", "description"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
