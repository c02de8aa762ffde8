"""Enterprise sign-in: OpenID Connect (mozilla-django-oidc) here and LDAP / Active Directory
(django-auth-ldap) in `core.directory`, each enabled by its settings (README, "Enterprise
sign-in").

Both backends hand the user's identity-provider groups to one mapping
(`core.services.identity.identity_groups_apply`) at every sign-in. Neither ever signs in as
a local account (one with a password of its own, e.g. a break-glass administrator): such
an account signs in only with its local password, so an identity-provider user of the
same name cannot take it over.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from core.services.identity import identity_groups_apply

__all__ = ["OIDCBackend", "oidc_enabled", "refuse_local_account"]


def oidc_enabled() -> bool:
    """Whether OpenID Connect sign-in is configured (a client id is set)."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def refuse_local_account(user, source: str) -> None:
    if user.pk is not None and user.has_usable_password():
        raise PermissionDenied(f"{user.get_username()} is a local account: it signs in with "
                               f"its own password, never through {source}.")


def _group_names(value) -> list[str]:
    """A groups claim may be a list or, from some providers, one string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return []


class OIDCBackend(OIDCAuthenticationBackend):
    """OpenID Connect sign-in; the user name is the provider's `preferred_username`."""

    def get_or_create_user(self, access_token, id_token, payload):
        # Some providers put the groups only in the ID token, others only in userinfo.
        self._id_token_claims = payload
        return super().get_or_create_user(access_token, id_token, payload)

    def get_username(self, claims) -> str:
        return (claims.get("preferred_username") or claims.get("sub") or "")[:150]

    def filter_users_by_claims(self, claims):
        username = self.get_username(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username)

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self.get_username(claims),
                                                  email=claims.get("email", ""))
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        refuse_local_account(user, "OpenID Connect")
        user.email = claims.get("email", user.email)
        user.first_name = claims.get("given_name", user.first_name)[:150]
        user.last_name = claims.get("family_name", user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        claim = settings.CUSTODIA_OIDC_GROUPS_CLAIM
        groups = claims.get(claim, getattr(self, "_id_token_claims", {}).get(claim, []))
        identity_groups_apply(user=user, groups=_group_names(groups), source="oidc")
        return user
