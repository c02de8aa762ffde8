"""Admin of model and dataset versions: registered through the versions service; a version
that reached production is read-only as a whole.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import Http404

from core.admin.base import GovernedAdmin, ReasonForm
from inventory.admin.catalogue import (
    HiddenFieldsAdminMixin,
    RegistrationAdminForm,
    add_legal_hold_error,
    adopt_saved,
)
from inventory.choices import DatasetRole, ModelStage
from inventory.models import FROZEN_STAGES, Dataset, DatasetVersion, MLModel, ModelVersion
from inventory.services import versions


class ModelVersionAdminForm(RegistrationAdminForm):
    """Registration check plus an optional lifecycle move, checked by the lifecycle
    service's own rules so that an illegal move is a form error next to the field."""

    to_stage = forms.ChoiceField(
        required=False, label="Move to stage",
        help_text="Optional. Moves the version through the lifecycle (draft → registered → "
                  "validated → staging → production → deprecated → archived → retired); "
                  "give the reason below.")

    datasets = forms.ModelMultipleChoiceField(
        queryset=DatasetVersion.objects.none(), required=False, label="Training data",
        help_text="The dataset versions it was trained on (linked with their SHA-256 as it is "
                  "now). A version of a granular model pins its data this way.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from inventory.services.versions import allowed_transitions

        if "datasets" in self.fields:
            user = getattr(self, "request_user", None)
            self.fields["datasets"].queryset = DatasetVersion.objects.none() if user is None \
                else DatasetVersion.objects.restrict(user, "view").select_related("dataset")

        if "to_stage" in self.fields:  # not on the add page (a new version starts registered)
            allowed = allowed_transitions(self.instance.stage) if self.instance.pk else []
            self.fields["to_stage"].choices = [("", "— stay —")] + [
                (s, ModelStage(s).label) for s in allowed]

    def registration_data(self) -> dict:
        data = self.service_data()
        data.pop("to_stage", None)
        if "model" not in data and self.instance.pk:
            data["model"] = self.instance.model
        return data

    def service_data(self) -> dict:
        data = super().service_data()
        data.pop("to_stage", None)
        chosen = data.pop("datasets", None)
        if chosen:
            data["datasets"] = [{"dataset_version": dv, "role": DatasetRole.TRAIN}
                                for dv in chosen]
        return data

    def _pin_errors(self, cleaned: dict) -> None:
        """What the model's versioning strategy asks the version to pin, next to the fields:
        at registration, and before a move forward into a pinned stage."""
        to_stage = cleaned.get("to_stage")
        if self.instance.pk:
            stored = ModelVersion.objects.select_related("model").get(pk=self.instance.pk)
            if not to_stage or stored.stage in FROZEN_STAGES or to_stage not in \
                    versions.PINNED_STAGES or versions.STAGE_ORDER.index(to_stage) <= \
                    versions.STAGE_ORDER.index(stored.stage):
                return
            strategy = stored.model.versioning_strategy
            linked = [link.dataset_version for link in stored.dataset_links.all()]
            current = {name: getattr(stored, name) for name in versions.PINNED_FIELDS}
        else:
            if cleaned.get("model") is None:
                return
            strategy = cleaned["model"].versioning_strategy
            linked, current = list(cleaned.get("datasets") or ()), {}
        fields = {**current, **{name: cleaned[name] for name in versions.PINNED_FIELDS
                                if name in cleaned}}
        for name, found in versions.pin_problems(strategy=strategy, fields=fields,
                                                 dataset_versions=linked).items():
            for message in found:
                self.add_error(name if name in self.fields else None, message)

    def clean(self):
        from inventory.services.versions import transition_problems

        if self.instance.pk and self.instance.stage in FROZEN_STAGES:
            cleaned = forms.ModelForm.clean(self)  # frozen: no metadata check, nothing editable
            add_legal_hold_error(self)
        else:
            cleaned = super().clean()
        to_stage = cleaned.get("to_stage")
        if to_stage and self.instance.pk:
            stored = ModelVersion.objects.select_related("model").get(pk=self.instance.pk)
            for problem in transition_problems(
                    version=stored, to_stage=to_stage, actor=self.request_user,
                    reason=cleaned.get("change_reason") or ""):
                self.add_error("to_stage", problem)
        self._pin_errors(cleaned)
        return cleaned


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------
@admin.register(ModelVersion)
class ModelVersionAdmin(GovernedAdmin):
    form = ModelVersionAdminForm
    list_display = ["__str__", "model", "version", "stage", "training_date", "created_by",
                    "created_at"]
    list_filter = ["stage", "code_commit_signed"]
    search_fields = ["model__name", "artifact_uri", "artifact_sha256", "code_commit"]
    list_select_related = ["model", "created_by", "branch"]
    readonly_fields = ["version", "stage", "created_by", "created_at", "updated_at",
                       "dataset_links"]

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    @admin.display(description="Dataset versions used (checksum when linked)")
    def dataset_links(self, obj) -> str:
        """Shown, never edited here: links are set at registration or through the API's
        `datasets`, and refused once the version is frozen."""
        from django.utils.html import format_html, format_html_join

        if obj is None or obj.pk is None:
            return "—"
        # By id, not name: the dataset may be another team's confidential one.
        links = obj.dataset_links.select_related("dataset_version")
        if not links:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{}: dataset version #{} (v{}) <code>{}</code></li>",
            ((link.get_role_display(), link.dataset_version_id, link.dataset_version.version,
              link.checksum_at_link or "no checksum") for link in links)))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        hidden = {"datasets"} if obj is not None else {"to_stage"}
        return [f for f in fields if f not in hidden]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # the lifecycle check needs the acting user
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["model", "branch"]
            if obj.stage in FROZEN_STAGES:
                # Frozen since production (docs/architecture.md): nothing may change by any path.
                fields = [f.name for f in obj._meta.fields if f.editable] + fields
        return list(dict.fromkeys(fields))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "model":
            kwargs["queryset"] = MLModel.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # versions stay: numbering is gap-free and each version is evidence

    def save_with_service(self, request, obj, form, change) -> None:
        reason = form.cleaned_data.get("change_reason") or (
            "Changed in the admin" if change else "Registered in the admin")
        data = form.service_data()
        to_stage = form.cleaned_data.get("to_stage")
        if change:
            data.pop("model", None)
            data.pop("branch", None)
            stored = ModelVersion.objects.get(pk=obj.pk)
            saved = stored if stored.stage in FROZEN_STAGES else \
                versions.model_version_update(version=obj, actor=request.user, reason=reason,
                                               data=data)
            if to_stage:
                saved = versions.model_version_transition(
                    version=saved, to_stage=to_stage, actor=request.user, reason=reason)
        else:
            model = data.pop("model")
            saved = versions.model_version_register(model=model, actor=request.user,
                                                     reason=reason, data=data)
        adopt_saved(obj, saved)


class DatasetVersionAdminForm(ReasonForm):
    """A dataset version under legal hold is refused here, naming the hold."""

    def clean(self):
        cleaned = super().clean()
        add_legal_hold_error(self)
        return cleaned


@admin.register(DatasetVersion)
class DatasetVersionAdmin(HiddenFieldsAdminMixin, GovernedAdmin):
    form = DatasetVersionAdminForm
    list_display = ["__str__", "dataset", "version", "location", "row_count", "created_at"]
    # Not searchable by location: a match would reveal a sensitive dataset's location.
    search_fields = ["dataset__name", "sha256"]
    list_select_related = ["dataset"]

    def get_queryset(self, request):
        from django.db.models import BooleanField, Case, Value, When

        return super().get_queryset(request).annotate(details_visible=Case(
            When(Dataset.details_visible_q(request.user, "dataset__"), then=Value(True)),
            default=Value(False), output_field=BooleanField()))

    @admin.display(description="Location")
    def location(self, obj) -> str:
        return obj.uri if getattr(obj, "details_visible", False) else "(hidden: sensitive data)"
    readonly_fields = ["version", "created_at", "updated_at"]

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dataset":
            kwargs["queryset"] = Dataset.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_with_service(self, request, obj, form, change) -> None:
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_data
                    if name in form.fields and name not in {"dataset", "change_reason"}}
            saved = versions.dataset_version_update(
                version=obj, actor=request.user, data=data,
                reason=form.cleaned_data.get("change_reason") or "Changed in the admin")
            adopt_saved(obj, saved)
            return
        reason = form.cleaned_data.get("change_reason") or "Recorded in the admin"
        data = {k: v for k, v in form.cleaned_data.items()
                if k in form.fields and k not in {"dataset", "change_reason"}}
        saved = versions.dataset_version_register(
            dataset=form.cleaned_data["dataset"], actor=request.user, reason=reason, data=data)
        adopt_saved(obj, saved)
