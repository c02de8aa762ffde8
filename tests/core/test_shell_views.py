"""The UI shell: login, home dashboard, error pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_renders_with_local_assets(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to Custodia" in html
    assert "bootstrap.min.css" in html and "htmx" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_home_shows_role_and_navigation(client, compliance_officer):
    client.force_login(compliance_officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compliance officer" in html
    assert reverse("core:accessevent_list") in html


def test_home_empty_state_for_user_without_role(client, refused_user):
    client.force_login(refused_user)
    html = client.get(reverse("home")).content.decode()
    assert "no role" in html.lower()
    assert "Nothing to show you yet" in html


def test_refused_user_gets_styled_403(client, refused_user):
    client.force_login(refused_user)
    response = client.get(reverse("core:jobrun_list"))
    assert response.status_code == 403
    assert "You are not allowed to open this page" in response.content.decode()


def test_unknown_page_is_styled_404(client, auditor):
    client.force_login(auditor)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()
