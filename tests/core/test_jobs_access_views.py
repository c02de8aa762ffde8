"""Job-run and access-log pages (dashboard and admin) for a user holding only object-level
grants: exactly the granted rows, and the same number of queries at N and 3N rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from tests.factories import AccessEventFactory, JobRunFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "jobrun": (JobRunFactory, "core:jobrun_list", "admin:core_jobrun_changelist"),
    "accessevent": (AccessEventFactory, "core:accessevent_list",
                    "admin:core_accessevent_changelist"),
}
# Ceilings per request. The admin's is higher because its sidebar asks, once per registered
# model, whether the user holds any grant on it: constant in rows, growing with the models.
# 46: retention, deprecation, deployments and integrations register ten models.
MAX_QUERIES = {"dashboard": 15, "admin": 46}


def _grant(user, model_name: str, objs) -> None:
    for obj in objs:
        assign_perm(f"inventory.view_{model_name}", user, obj)


def _count(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("model_name", sorted(PAGES))
@pytest.mark.parametrize("door", ["dashboard", "admin"])
def test_grant_only_user_sees_granted_rows_in_constant_queries(client, model_name, door):
    factory, dashboard_route, admin_route = PAGES[model_name]
    user = UserFactory(username="grant-only", is_staff=door == "admin")
    client.force_login(user)
    url = reverse(dashboard_route if door == "dashboard" else admin_route)
    hidden = factory()
    granted = factory.create_batch(3)
    _grant(user, model_name, granted)
    client.get(url)  # warm per-process caches (content types, sessions)

    queries_n, html = _count(client, url)
    if door == "dashboard":
        assert "3 results" in html
    else:
        assert all(f"/{obj.pk}/change/" in html for obj in granted)
        assert f"/{hidden.pk}/change/" not in html

    _grant(user, model_name, factory.create_batch(6))
    queries_3n, html = _count(client, url)
    assert ("9 results" in html) if door == "dashboard" else (f"/{hidden.pk}/change/" not in html)

    assert queries_n == queries_3n, f"{queries_n} queries at 3 rows, {queries_3n} at 9 (N+1)"
    assert queries_3n <= MAX_QUERIES[door]


def test_grant_only_user_gets_404_for_an_ungranted_job_run(client):
    user = UserFactory(username="grant-only")
    hidden, granted = JobRunFactory(), JobRunFactory()
    _grant(user, "jobrun", [granted])
    client.force_login(user)
    assert client.get(reverse("core:jobrun_detail", args=[granted.pk])).status_code == 200
    assert client.get(reverse("core:jobrun_detail", args=[hidden.pk])).status_code == 404
