"""Forms of the platform: sign-in with a cool-down after repeated failures (Django has no login
throttling), and the one helper that shows a service's problems as form errors."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core.login_throttle import (
    login_failed,
    login_succeeded,
    login_throttle_keys,
    login_throttled,
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Counts failures per username and per client address; refuses while cooling down."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Wait a few minutes and try again.",
    }

    def _keys(self) -> list[str]:
        return login_throttle_keys(self.data.get("username") or "", self.request)

    def clean(self):
        keys = self._keys()
        if login_throttled(keys):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(keys)
            raise
        login_succeeded(keys)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in (staff only) with the same cool-down: otherwise /admin/login/
    would be a way around the portal's throttling. Failures count against the same keys."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": ThrottledAuthenticationForm.error_messages["throttled"],
    }


def form_errors_from(form: forms.Form, error: ValidationError) -> None:
    """Put a service's `ValidationError` next to the fields it names; what names no field of
    this form goes on top of the form, prefixed with the field's label (never a 500)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                if target is None and name != "__all__":
                    message = f"{name.replace('_', ' ').capitalize()}: {message}"
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class PermissionDenialForm(forms.Form):
    """What a compliance officer fills in to deny one action on one record."""

    record_type = forms.ModelChoiceField(
        queryset=None, label="Record type",
        help_text="The kind of record, e.g. Inventory · model.")
    object_id = forms.CharField(
        max_length=64, label="Record id",
        help_text="The number in the record's address, e.g. 42 in /inventory/models/42/.")
    action = forms.CharField(max_length=60, initial="view",
                             help_text="view hides the record entirely; change or delete forbid "
                                       "those actions; a custom action such as promote_mlmodel "
                                       "forbids that step.")
    user = forms.ModelChoiceField(queryset=None, required=False, label="User")
    role = forms.ModelChoiceField(queryset=None, required=False, label="Role")
    team = forms.ModelChoiceField(queryset=None, required=False, label="Team")
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Kept in the history and shown to auditors.")

    def __init__(self, *args, **kwargs):
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.contenttypes.models import ContentType

        from core.models import GovernedModel

        super().__init__(*args, **kwargs)
        governed = [ContentType.objects.get_for_model(model).pk for model in apps.get_models()
                    if issubclass(model, GovernedModel)]
        self.fields["record_type"].queryset = ContentType.objects.filter(pk__in=governed).order_by(
            "app_label", "model")
        self.fields["record_type"].label_from_instance = (
            lambda ct: f"{ct.app_label.capitalize()} · {ct.model_class()._meta.verbose_name}")
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by(
            "username")
        self.fields["role"].queryset = Group.objects.order_by("name")
        self.fields["team"].queryset = apps.get_model(settings.CUSTODIA_TEAM_MODEL).objects.all()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field.widget, forms.Select) else "form-control")

    def clean(self):
        cleaned = super().clean()
        if sum(bool(cleaned.get(name)) for name in ("user", "role", "team")) != 1:
            raise forms.ValidationError("Choose exactly one user, role or team.")
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text="Kept in the history with your name.")
