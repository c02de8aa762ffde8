"""Admin bases: the same permission rules and services as the API and the dashboards."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from core.audit import audit_context
from core.exceptions import ConflictError
from core.permissions import restrict_queryset, user_can
from core.services.records import record_delete, record_save


class RestrictedAdminMixin:
    """Changelists show only permitted rows; object pages check object permissions."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        restricted = restrict_queryset(queryset, request.user, "view")
        for_list = getattr(restricted, "for_list", None)
        return for_list() if for_list else restricted

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request) or self._any(request, "view")
        return user_can(request.user, "view", obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request) or self._any(request, "change")
        return user_can(request.user, "change", obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return user_can(request.user, "delete", obj)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._any(request, "view")

    def _any(self, request, action: str) -> bool:
        from core.permissions import user_has_any_permission

        return user_has_any_permission(request.user, action, self.model)


class ReasonForm(forms.ModelForm):
    """Every change says why (kept in the record's history)."""

    change_reason = forms.CharField(required=False, max_length=500,
                                    help_text="Why this change is made; kept in the history.")


class GovernedAdmin(RestrictedAdminMixin, SimpleHistoryAdmin):
    """History-aware admin whose writes run in an audit context and through services.

    By default rows are saved and deleted through the generic record services. An admin
    whose records have rules across rows names its services instead (`create_service`,
    `update_service`, `delete_service`, called with `actor`, `reason`, `data` and the record
    as `instance_argument`); only admins with steps the services cannot express (inlines,
    related rows) override `save_with_service`/`delete_with_service`. A service's
    `ValidationError` or `ConflictError` becomes a message, never a 500.
    """

    create_service = None
    update_service = None
    delete_service = None
    instance_argument = "instance"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Old versions may be looked at, never saved back: simple-history's
        SIMPLE_HISTORY_REVERT_DISABLED only hides the button, and a revert would write an old
        state back without the services' checks (docs/conventions.md, audit)."""
        if request.method not in ("GET", "HEAD") and self.revert_disabled(request):
            raise PermissionDenied("Reverting from the history is disabled; make a change instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        reason = self.reason_for(form, change)
        with audit_context(user=request.user, reason=reason):
            try:
                self.save_with_service(request, obj, form, change)
            except (ValidationError, ConflictError) as error:
                # The form's clean() ran the same checks; this is a race with another
                # change (e.g. a hold placed meanwhile): say so, never a 500.
                self.message_user(request, "; ".join(error.messages), messages.ERROR)

    def delete_model(self, request, obj):
        with audit_context(user=request.user, reason="Deleted in the admin"):
            try:
                self.delete_with_service(request, obj)
            except (ValidationError, ConflictError) as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_with_service(self, request, obj, form, change) -> None:
        reason = self.reason_for(form, change)
        service = self.update_service if change else self.create_service
        if service is None:
            record_save(obj, actor=request.user, reason=reason)
            return
        fields = {field.name for field in self.model._meta.fields}
        if not change:
            data = {name: value for name, value in form.cleaned_data.items() if name in fields}
            obj.pk = service(actor=request.user, reason=reason, data=data).pk
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        try:
            service(**{self.instance_argument: obj}, actor=request.user, reason=reason,
                    data=data)
        except (ValidationError, ConflictError) as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)

    def delete_with_service(self, request, obj) -> None:
        if self.delete_service is None:
            record_delete(instance=obj, actor=request.user, reason="Deleted in the admin")
            return
        self.delete_service(**{self.instance_argument: obj}, actor=request.user,
                            reason="Deleted in the admin")

    @staticmethod
    def reason_for(form, change: bool) -> str:
        return form.cleaned_data.get("change_reason") or (
            "Changed in the admin" if change else "Created in the admin")


class ReadOnlyAdmin(RestrictedAdminMixin, admin.ModelAdmin):
    """Evidence records: visible, never added, changed or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
