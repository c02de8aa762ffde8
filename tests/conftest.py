"""Shared fixtures: one user per role, a refused user, API clients."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.roles import Role
from tests.factories import UserFactory

ROLE_FIXTURES = {
    "data_scientist": Role.DATA_SCIENTIST,
    "model_owner": Role.MODEL_OWNER,
    "validator": Role.VALIDATOR,
    "compliance_officer": Role.COMPLIANCE_OFFICER,
    "risk_officer": Role.RISK_OFFICER,
    "auditor": Role.AUDITOR,
    "cab_member": Role.CAB_MEMBER,
    "platform_admin": Role.PLATFORM_ADMIN,
}


def pytest_configure(config) -> None:
    """Tests create hundreds of users: hash their passwords fast (production keeps PBKDF2)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory) -> None:
    """On SQLite, test in a file of this session's own rather than in shared-cache memory.

    Integration tests run a Celery worker in a thread with its own connection. In memory,
    SQLite answers a concurrent write with "database table is locked" at once, ignoring the
    busy timeout; a file database waits for the lock, as the embedded setup does.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _role_user(name: str, role: str):
    return UserFactory(username=name, roles=[role], is_staff=role in Role.STAFF)


def _role_fixture(name: str, role: str):
    @pytest.fixture(name=name)
    def role_user(db):
        return _role_user(name, role)

    return role_user


# One fixture per role, named as in ROLE_FIXTURES (`data_scientist`, `auditor`, ...).
for _name, _role in ROLE_FIXTURES.items():
    globals()[f"_{_name}_fixture"] = _role_fixture(_name, _role)


@pytest.fixture
def refused_user(db):
    """Signed in, no role, no grants: every governed page and endpoint must refuse them."""
    return UserFactory(username="refused")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_client_for():
    """`api_client_for(user)`: a client authenticated with the user's API token."""

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
        return client

    return make


# The promotion gates governance registers (approvals, data minimisation). The tests of the
# lower apps exercise the versions state machine on its own, as the inventory defines it;
# the governance tests (and tests marked `governance_gates`) run with the gates on, and
# prove that no door promotes around them.
GOVERNANCE_GATES = ("governance.approvals", "governance.minimisation")


@pytest.fixture(autouse=True)
def _governance_gates(request):
    from inventory.services.versions import (
        promotion_gates,
        register_promotion_gate,
        unregister_promotion_gate,
    )

    wanted = (request.node.get_closest_marker("governance_gates") is not None
              or "tests/governance/" in str(request.node.path).replace("\\", "/"))
    if wanted:
        yield
        return
    registered = promotion_gates()
    removed = {name: registered[name] for name in GOVERNANCE_GATES if name in registered}
    for name in removed:
        unregister_promotion_gate(name)
    try:
        yield
    finally:
        for name, gate in removed.items():
            register_promotion_gate(gate, name=name)
