"""Forms of the platform: sign-in with a cool-down after repeated failures (Django has no login
throttling), and the one helper that shows a service's problems as form errors."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.services.audit import client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """Counts failures per username and per client address; refuses while cooling down."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Wait a few minutes and try again.",
    }

    def _keys(self) -> list[str]:
        username = (self.data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request else "unknown"
        return [f"login-failures:user:{username}", f"login-failures:addr:{address}"]

    def clean(self):
        keys = self._keys()
        if any(cache.get(key, 0) >= settings.CUSTODIA_LOGIN_MAX_FAILURES for key in keys):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for key in keys:
                cache.add(key, 0, settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)
            raise
        cache.delete_many(keys)
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
