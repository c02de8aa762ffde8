"""Sign-in cool-down after repeated failures, on the portal and the admin alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "secret-password-123"


@pytest.fixture(autouse=True)
def private_cache(settings, request):
    """Failure counters live in the cache; each test gets its own."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": request.node.nodeid}}
    settings.CUSTODIA_LOGIN_MAX_FAILURES = 3


@pytest.mark.parametrize("route", ["login", "admin:login"])
def test_right_password_is_refused_during_the_cool_down(client, route):
    UserFactory(username="sam", is_staff=True)
    url = reverse(route)
    for _ in range(3):
        response = client.post(url, {"username": "sam", "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()

    response = client.post(url, {"username": "sam", "password": PASSWORD})

    assert response.status_code == 200  # the form again, not a redirect into the site
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_one_door_count_on_the_other(client):
    UserFactory(username="sam", is_staff=True)
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "sam", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_success_before_the_limit_clears_the_count(client):
    UserFactory(username="sam")
    for _ in range(2):
        client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    for _ in range(2):
        client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "sam", "password": PASSWORD}).status_code == 302


def test_admin_still_refuses_non_staff(client):
    UserFactory(username="viewer")
    response = client.post(reverse("admin:login"), {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
