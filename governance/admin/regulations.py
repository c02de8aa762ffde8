"""Frameworks, versions and requirements in the admin: kept by compliance officers through
the regulations services (a requirement in use is saved as a new revision; a version or
requirement cited by assessments is never deleted)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models

from core.admin.base import GovernedAdmin, ReasonForm
from core.audit import audit_context
from core.exceptions import ConflictError
from governance.applicability import describe_condition
from governance.models import FrameworkVersion, RegulatoryFramework, Requirement
from governance.services import regulations

__all__ = ["FrameworkVersionAdmin", "RegulatoryFrameworkAdmin", "RequirementAdmin"]

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(RegulatoryFramework)
class RegulatoryFrameworkAdmin(GovernedAdmin):
    form = ReasonForm
    formfield_overrides = URL_FIELDS
    list_display = ["short_name", "name", "code", "jurisdiction", "authority", "updated_at"]
    list_filter = ["jurisdiction"]
    search_fields = ["code", "name", "short_name", "jurisdiction", "authority"]
    create_service = staticmethod(regulations.framework_create)
    delete_service = staticmethod(regulations.framework_delete)
    instance_argument = "framework"


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(GovernedAdmin):
    form = ReasonForm
    formfield_overrides = URL_FIELDS
    list_display = ["__str__", "label", "effective_date", "is_current", "applies_in_words"]
    list_filter = ["is_current", "framework"]
    list_select_related = ["framework"]
    search_fields = ["label", "framework__short_name", "framework__code"]
    readonly_fields = ["is_current"]
    update_service = staticmethod(regulations.framework_version_update)
    delete_service = staticmethod(regulations.framework_version_delete)
    instance_argument = "version"
    actions = ["start_next_version"]

    @admin.display(description="Applies when")
    def applies_in_words(self, obj: FrameworkVersion) -> str:
        return describe_condition(obj.applies_when)

    def get_readonly_fields(self, request, obj=None):
        # Versions are numbered and made current by "start the next version".
        return [*self.readonly_fields, "framework", "version"] if obj else self.readonly_fields

    @admin.action(description="Start the next version from the selected framework versions",
                  permissions=["add"])
    def start_next_version(self, request, queryset) -> None:
        for version in queryset.select_related("framework"):
            reason = f"Next version of {version.framework} started in the admin"
            with audit_context(user=request.user, reason=reason):
                new = regulations.framework_version_create_next(
                    framework=version.framework, actor=request.user, reason=reason)
            self.message_user(request, f"{new} is now current, with the requirements of "
                                       f"{version}; change them in place until assessed.")


@admin.register(Requirement)
class RequirementAdmin(GovernedAdmin):
    form = ReasonForm
    formfield_overrides = URL_FIELDS
    list_display = ["clause", "title", "framework_version", "revision", "is_current"]
    list_filter = ["is_current", "framework_version__framework"]
    list_select_related = ["framework_version__framework"]
    search_fields = ["clause", "title", "summary", "evidence", "key"]
    readonly_fields = ["revision", "is_current", "replaces", "created_at", "updated_at"]
    create_service = staticmethod(regulations.requirement_create)
    delete_service = staticmethod(regulations.requirement_delete)
    instance_argument = "requirement"

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "framework_version"] if obj else self.readonly_fields

    def save_with_service(self, request, obj, form, change) -> None:
        if not change:
            super().save_with_service(request, obj, form, change)
            return
        data = {name: form.cleaned_data[name] for name in form.changed_data
                if name in Requirement.CONTENT_FIELDS}
        try:
            updated = regulations.requirement_update(
                requirement=obj, actor=request.user, reason=self.reason_for(form, change),
                data=data)
        except ConflictError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        if updated.pk != obj.pk:
            self.message_user(request, f"Assessments cite revision {obj.revision}, so the "
                                       f"change was saved as revision {updated.revision}.")
