"""Enterprise sign-in against real servers on 127.0.0.1: an OpenID provider
(django-oidc-provider in its own process, driven through the authorization-code flow with a
real HTTP client) and OpenLDAP's slapd with a seeded directory. Each sign-in gives the
roles and teams of the user's groups; a group removed at the provider removes them at the
next sign-in; local (break-glass) accounts keep signing in with their own password and are
never taken over."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from core.roles import Role
from inventory.models import Team
from tests.core.identity_servers import LDAP_SUFFIX, LdapServer, OpenIDProvider
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory
from tests.services import require

try:  # the optional `ldap` extra (python-ldap is compiled on install)
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch
except ImportError:
    ldap = None

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

GROUP_MAP = {
    "ml-engineers": {"roles": [Role.DATA_SCIENTIST], "teams": ["credit-risk"]},
    "model-auditors": {"roles": [Role.AUDITOR]},
}


def roles_of(username: str) -> set[str]:
    user = get_user_model().objects.get(username=username)
    return set(user.groups.values_list("name", flat=True))


def teams_of(username: str) -> set[str]:
    return set(Team.objects.filter(members__username=username).values_list("slug", flat=True))


@pytest.fixture
def credit_risk(transactional_db):
    return TeamFactory(slug="credit-risk", name="Credit risk")


# --------------------------------------------------------------------------------------
# OpenID Connect
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    op = OpenIDProvider(tmp_path_factory.mktemp("openid-provider"))
    op.start(redirect_uri=f"{live_server.url}/oidc/callback/")
    op.add_user("lena", "lena-provider-password", ["ml-engineers", "model-auditors"],
                email="lena@example.org")
    op.add_user("pat", "pat-provider-password", ["model-auditors"], email="pat@example.org")
    yield op
    op.stop()


@pytest.fixture
def oidc(settings, provider):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "core.backends.OIDCBackend"]
    settings.CUSTODIA_IDP_GROUP_MAP = GROUP_MAP
    return provider


def sign_in_with_provider(base_url: str, provider: OpenIDProvider, username: str,
                          password: str) -> requests.Session:
    """Custodia's button → the provider's sign-in form → back to Custodia's callback."""
    session = requests.Session()
    login_page = session.get(f"{base_url}/login/", timeout=10)
    assert 'id="oidc-sign-in"' in login_page.text
    at_provider = session.get(f"{base_url}/oidc/authenticate/?next=/inventory/models/",
                              timeout=10)
    assert at_provider.url.startswith(f"{provider.url}/accounts/login/")
    back = session.post(at_provider.url, timeout=30, data={
        "username": username, "password": password,
        "csrfmiddlewaretoken": session.cookies["op_csrftoken"]})
    assert back.history and any("/oidc/callback/" in r.headers.get("Location", "")
                                for r in back.history)
    session.final_url = back.url
    return session


def test_openid_sign_in_gives_the_roles_and_team_of_the_groups(live_server, oidc, credit_risk):
    session = sign_in_with_provider(live_server.url, oidc, "lena", "lena-provider-password")
    assert urlsplit(session.final_url).path == "/inventory/models/"
    assert roles_of("lena") == {Role.DATA_SCIENTIST, Role.AUDITOR}
    assert teams_of("lena") == {"credit-risk"}
    user = get_user_model().objects.get(username="lena")
    assert user.email == "lena@example.org" and not user.has_usable_password()
    # The session is a real one: the role's pages open.
    assert session.get(f"{live_server.url}/inventory/models/", timeout=10,
                       allow_redirects=False).status_code == 200


def test_a_group_removed_at_the_provider_removes_the_role_at_next_sign_in(
        live_server, oidc, credit_risk):
    sign_in_with_provider(live_server.url, oidc, "lena", "lena-provider-password")
    assert Role.AUDITOR in roles_of("lena")
    oidc.remove_from_group("lena", "model-auditors")
    sign_in_with_provider(live_server.url, oidc, "lena", "lena-provider-password")
    assert roles_of("lena") == {Role.DATA_SCIENTIST}
    assert teams_of("lena") == {"credit-risk"}
    oidc.remove_from_group("lena", "ml-engineers")
    sign_in_with_provider(live_server.url, oidc, "lena", "lena-provider-password")
    assert roles_of("lena") == set()
    assert teams_of("lena") == set()


def test_a_local_account_is_never_signed_in_through_the_provider(live_server, oidc):
    UserFactory(username="pat", roles=[Role.PLATFORM_ADMIN], is_superuser=True,
                password="local-break-glass-password")
    session = sign_in_with_provider(live_server.url, oidc, "pat", "pat-provider-password")
    assert session.get(f"{live_server.url}/inventory/models/", timeout=10,
                       allow_redirects=False).status_code == 302
    assert roles_of("pat") == {Role.PLATFORM_ADMIN}
    # The break-glass account still signs in with its own password.
    local = requests.Session()
    local.get(f"{live_server.url}/login/", timeout=10)
    page = local.post(f"{live_server.url}/login/", timeout=10, data={
        "username": "pat", "password": "local-break-glass-password",
        "csrfmiddlewaretoken": local.cookies["csrftoken"]})
    assert urlsplit(page.url).path == "/"


def test_without_openid_settings_there_is_no_button_and_no_route(client):
    assert b"oidc-sign-in" not in client.get("/login/").content
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


# --------------------------------------------------------------------------------------
# LDAP / Active Directory
# --------------------------------------------------------------------------------------
SEED = f"""\
dn: {LDAP_SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,{LDAP_SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{LDAP_SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: uid=nora,ou=people,{LDAP_SUFFIX}
objectClass: inetOrgPerson
uid: nora
cn: Nora Lind
givenName: Nora
sn: Lind
mail: nora@example.org
userPassword: nora-directory-password

dn: uid=pat,ou=people,{LDAP_SUFFIX}
objectClass: inetOrgPerson
uid: pat
cn: Pat Admin
sn: Admin
userPassword: pat-directory-password

dn: cn=ml-engineers,ou=groups,{LDAP_SUFFIX}
objectClass: groupOfNames
cn: ml-engineers
member: uid=nora,ou=people,{LDAP_SUFFIX}

dn: cn=model-auditors,ou=groups,{LDAP_SUFFIX}
objectClass: groupOfNames
cn: model-auditors
member: uid=nora,ou=people,{LDAP_SUFFIX}
member: uid=pat,ou=people,{LDAP_SUFFIX}
"""


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    require("python-ldap", ldap is not None)
    server = LdapServer(tmp_path_factory.mktemp("slapd")).start(SEED)
    yield server
    server.stop()


@pytest.fixture
def ldap_sign_in(settings, directory):
    """The settings the README's AUTH_LDAP_* / CUSTODIA_LDAP_* variables produce."""
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(f"ou=people,{LDAP_SUFFIX}", ldap.SCOPE_SUBTREE,
                                                "(uid=%(user)s)")
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(f"ou=groups,{LDAP_SUFFIX}", ldap.SCOPE_SUBTREE,
                                                 "(objectClass=groupOfNames)")
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn",
                                        "email": "mail"}
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    backends = list(settings.AUTHENTICATION_BACKENDS)
    backends.insert(1, "core.directory.LDAPBackend")
    settings.AUTHENTICATION_BACKENDS = backends
    settings.CUSTODIA_IDP_GROUP_MAP = GROUP_MAP
    return directory


def sign_in_with_form(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_ldap_sign_in_gives_the_roles_and_team_of_the_groups(client, ldap_sign_in, credit_risk):
    assert sign_in_with_form(client, "nora", "nora-directory-password")
    assert roles_of("nora") == {Role.DATA_SCIENTIST, Role.AUDITOR}
    assert teams_of("nora") == {"credit-risk"}
    user = get_user_model().objects.get(username="nora")
    assert (user.first_name, user.email) == ("Nora", "nora@example.org")
    assert client.get("/inventory/models/").status_code == 200


def test_a_group_removed_in_the_directory_removes_the_role_at_next_sign_in(
        client, ldap_sign_in, credit_risk):
    assert sign_in_with_form(client, "nora", "nora-directory-password")
    ldap_sign_in.modify(f"""\
        dn: cn=model-auditors,ou=groups,{LDAP_SUFFIX}
        changetype: modify
        delete: member
        member: uid=nora,ou=people,{LDAP_SUFFIX}
        """)
    try:
        assert sign_in_with_form(client, "nora", "nora-directory-password")
        assert roles_of("nora") == {Role.DATA_SCIENTIST}
        assert teams_of("nora") == {"credit-risk"}
    finally:
        ldap_sign_in.modify(f"""\
            dn: cn=model-auditors,ou=groups,{LDAP_SUFFIX}
            changetype: modify
            add: member
            member: uid=nora,ou=people,{LDAP_SUFFIX}
            """)


def test_a_wrong_directory_password_signs_no_one_in(client, ldap_sign_in):
    assert not sign_in_with_form(client, "nora", "wrong-password")
    assert not get_user_model().objects.filter(username="nora").exists()


def test_a_local_account_is_never_signed_in_through_the_directory(client, ldap_sign_in):
    UserFactory(username="pat", roles=[Role.PLATFORM_ADMIN], is_superuser=True,
                password="local-break-glass-password")
    assert not sign_in_with_form(client, "pat", "pat-directory-password")
    assert roles_of("pat") == {Role.PLATFORM_ADMIN}
    assert sign_in_with_form(client, "pat", "local-break-glass-password")


def test_api_tokens_of_service_accounts_still_work_with_enterprise_sign_in(
        ldap_sign_in, oidc, data_scientist):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.create(user=data_scientist).key}")
    assert api.get("/api/v1/models/").status_code == 200
