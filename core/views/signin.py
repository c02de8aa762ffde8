"""OpenID Connect sign-in routes (mozilla-django-oidc's views), answering only when OpenID
Connect is configured: otherwise they are 404, never an error about missing settings."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import Http404
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.backends import oidc_enabled
from core.forms import ThrottledAuthenticationForm

__all__ = ["SignInView", "oidc_callback", "oidc_start"]


def _only_when_configured(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("OpenID Connect sign-in is not configured.")
        return view(request, *args, **kwargs)
    return guarded


oidc_start = _only_when_configured(OIDCAuthenticationRequestView.as_view())
oidc_callback = _only_when_configured(OIDCAuthenticationCallbackView.as_view())


class SignInView(LoginView):
    """The sign-in page: local and LDAP accounts with the form, plus a button to the
    organisation's OpenID provider when one is configured."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        context["oidc_label"] = settings.CUSTODIA_OIDC_BUTTON_LABEL
        return context
