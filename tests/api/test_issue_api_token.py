"""`manage.py issue_api_token`: tokens for CI/CD pipelines and scripts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def issue(*args: str) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().strip()


def status_with(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.get("/api/v1/job-runs/").status_code


def test_prints_a_working_token(auditor):
    key = issue("auditor")
    assert key == Token.objects.get(user=auditor).key
    assert len(key) == 40
    assert status_with(key) == 200


def test_is_idempotent_without_rotate(auditor):
    assert issue("auditor") == issue("auditor")
    assert Token.objects.filter(user=auditor).count() == 1


def test_rotate_replaces_the_token_and_the_old_one_stops_working(auditor):
    old = issue("auditor")
    new = issue("auditor", "--rotate")
    assert new != old
    assert status_with(old) == 401
    assert status_with(new) == 200


@pytest.mark.parametrize("username", ["nobody-here", "retired"])
def test_unknown_or_inactive_user_is_an_error(username):
    UserFactory(username="retired", is_active=False)
    with pytest.raises(CommandError, match=username):
        issue(username)
    assert not Token.objects.exists()
