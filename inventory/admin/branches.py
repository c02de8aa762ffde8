"""Admin of branches and aliases, written through `inventory.services.branches`; the alias
move log is read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin.base import GovernedAdmin, ReasonForm
from inventory.admin.catalogue import adopt_saved
from inventory.models import AliasMove, MLModel, ModelAlias, ModelBranch, ModelVersion
from inventory.services import branches


# --------------------------------------------------------------------------------------
# Branches and aliases
# --------------------------------------------------------------------------------------
@admin.register(ModelBranch)
class ModelBranchAdmin(GovernedAdmin):
    form = ReasonForm
    list_display = ["__str__", "model", "name", "kind", "parent_version", "created_at"]
    list_filter = ["kind"]
    search_fields = ["model__name", "name", "drift_scenario"]
    list_select_related = ["model", "parent_version", "parent_version__model"]
    readonly_fields = ["kind", "created_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "model", "name", "parent_version"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "model":
            kwargs["queryset"] = MLModel.objects.restrict(request.user, "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or (
            "Changed in the admin" if change else "Created in the admin")
        data = {k: v for k, v in form.cleaned_data.items() if k != "change_reason"}
        try:
            saved = (branches.model_branch_update(branch=obj, actor=request.user, reason=reason,
                                                  data=data) if change else
                     branches.model_branch_create(model=data.pop("model"), actor=request.user,
                                                  reason=reason, data=data))
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        adopt_saved(obj, saved)

    def delete_with_service(self, request, obj) -> None:
        branches.model_branch_delete(branch=obj, actor=request.user, reason="Deleted in the admin")


class ModelAliasAdminForm(ReasonForm):
    """The versions service's own refusals, shown next to the fields before anything is
    written (so a refused move is never reported as saved)."""

    def clean(self):
        cleaned = super().clean()
        model = self.instance.model if self.instance.pk else cleaned.get("model")
        name = self.instance.name if self.instance.pk else cleaned.get("name")
        version = cleaned.get("version")
        if model is None or version is None or not name:
            return cleaned
        problems = branches.model_alias_problems(
            model=model, name=name, version=version, actor=self.request_user,
            reason=cleaned.get("change_reason") or "")
        for field, messages_ in problems.items():
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def validate_unique(self) -> None:
        """An existing alias of the same name is moved by the service, not refused."""


@admin.register(ModelAlias)
class ModelAliasAdmin(GovernedAdmin):
    """Moving an alias = changing its version here, with a reason (kept in the move log)."""

    form = ModelAliasAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # the alias rules depend on who moves it
        return form
    fields = ["model", "name", "version", "change_reason", "moved_at", "moved_by", "reason"]
    list_display = ["__str__", "model", "name", "version", "moved_at", "moved_by"]
    search_fields = ["model__name", "name"]
    list_select_related = ["model", "version", "version__model", "moved_by"]
    readonly_fields = ["moved_at", "moved_by", "reason"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "model", "name"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "model":
            kwargs["queryset"] = MLModel.objects.restrict(request.user, "change")
        if db_field.name == "version":
            kwargs["queryset"] = ModelVersion.objects.restrict(request.user, "view") \
                .select_related("model")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") or ""
        model = obj.model if change else form.cleaned_data["model"]
        try:
            saved = branches.model_alias_set(model=model, name=obj.name,
                                             version=form.cleaned_data["version"],
                                             actor=request.user, reason=reason)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        adopt_saved(obj, saved)

    def delete_with_service(self, request, obj) -> None:
        branches.model_alias_delete(alias=obj, actor=request.user, reason="Removed in the admin")


@admin.register(AliasMove)
class AliasMoveAdmin(admin.ModelAdmin):
    """The append-only log of alias moves: evidence, never edited. Role permission only (no
    object grants on log rows), rows limited to the models the user may see."""

    def get_queryset(self, request):
        visible = MLModel.objects.restrict(request.user, "view").values("pk")
        return super().get_queryset(request).filter(model__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = ["model", "alias_name", "from_version", "to_version", "moved_at", "actor",
                    "reason"]
    list_filter = ["alias_name"]
    search_fields = ["model__name", "alias_name", "actor", "reason"]
    list_select_related = ["model", "from_version", "from_version__model", "to_version",
                           "to_version__model"]
