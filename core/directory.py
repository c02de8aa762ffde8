"""LDAP / Active Directory sign-in (django-auth-ldap), on when AUTH_LDAP_SERVER_URI is set.

python-ldap, which django-auth-ldap needs, is compiled on install (libldap2-dev,
libsasl2-dev, a C compiler), so it is the optional `ldap` extra; this module is imported
only when LDAP sign-in is configured.
"""

from __future__ import annotations

from django_auth_ldap.backend import LDAPBackend as BaseLDAPBackend

from core.backends import refuse_local_account
from core.services.identity import identity_groups_apply

__all__ = ["LDAPBackend"]


class LDAPBackend(BaseLDAPBackend):
    """LDAP / Active Directory sign-in with the user name and password of the sign-in form."""

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built:
            refuse_local_account(user, "LDAP")
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            identity_groups_apply(user=user, groups=ldap_user.group_names, source="ldap")
        return user
