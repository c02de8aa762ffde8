"""The generated contract suite: every resource in `tests/api/contract.py` gets every check.

The checks are plain functions taking a `Resource`, so `test_contract_selftest.py` can run
the write checks against a probe resource while no real writable resource is registered.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.permissions import permission_name
from tests.api.contract import RESOURCES, Resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READ_ONLY = [r for r in RESOURCES if r.read_only]
WRITABLE = [r for r in RESOURCES if not r.read_only]
REASON = "Contract suite: checking that the reason reaches the history"


def error_of(response) -> dict:
    """The one error shape (core/api/errors.py); fails loudly if it is not there."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["status"] == response.status_code
    assert error["code"] and error["message"]
    return error


def list_url(resource: Resource) -> str:
    return reverse(resource.list_route)


def detail_url(resource: Resource, obj) -> str:
    return reverse(resource.detail_route, args=[obj.pk])


def history_of(resource: Resource, pk):
    return resource.model.history.filter(id=pk).order_by("-history_id")


def history_count(resource: Resource) -> int:
    """Rows of history (0 for a model without history: its row count then says it all)."""
    return resource.model.history.count() if resource.has_history else 0


def written(resource: Resource) -> tuple[int, int]:
    """What a refused write must leave unchanged: the row count and the history count."""
    return resource.model.objects.count(), history_count(resource)


# --------------------------------------------------------------------------------------
# Checks (every resource)
# --------------------------------------------------------------------------------------
def check_anonymous_refused(resource: Resource, api_client) -> None:
    obj = resource.factory()
    for url in (list_url(resource), detail_url(resource, obj)):
        response = api_client.get(url)
        assert response.status_code == 401, (url, response.status_code)
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def check_refused_user_gets_403(resource: Resource, client, user=None) -> None:
    obj = resource.factory()
    if resource.owner_field:
        # Per-user records need no role: the user lists their own (none) and never another's.
        response = client.get(list_url(resource))
        assert response.status_code == 200, response.content
        assert response.json()["results"] == []
        response = client.get(detail_url(resource, obj))
        assert response.status_code == 404, response.status_code
        assert error_of(response)["code"] == "not_found"
        return
    for url in (list_url(resource), detail_url(resource, obj)):
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert error_of(response)["code"] == "permission_denied"


def _granted(resource: Resource, user, n: int) -> list:
    """`n` rows the user may see: granted one by one, or their own (per-user records)."""
    if resource.owner_field:
        return [resource.factory(**{resource.owner_field: user}) for _ in range(n)]
    objs = [resource.factory() for _ in range(n)]
    perm = permission_name(resource.model, "view")
    for obj in objs:
        assign_perm(perm, user, obj)
    return objs


def _count_list_queries(client, url: str) -> tuple[int, list[int | str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(queries), [row["id"] for row in response.json()["results"]]


def check_object_grants_and_query_count(resource: Resource, client, user, n: int = 3) -> None:
    """Only granted rows are listed (others 404), in the same number of queries at N and 3N."""
    hidden = [resource.factory() for _ in range(2)]
    granted = _granted(resource, user, n)
    # Warm per-process caches (content types) so both measurements start equal.
    client.get(list_url(resource))

    queries_n, ids = _count_list_queries(client, list_url(resource))
    assert sorted(ids) == sorted(obj.pk for obj in granted)

    more = _granted(resource, user, 2 * n)
    queries_3n, ids = _count_list_queries(client, list_url(resource))
    assert sorted(ids) == sorted(obj.pk for obj in granted + more)

    assert queries_n == queries_3n, (
        f"{resource.name}: {queries_n} queries at {n} rows but {queries_3n} at {3 * n} (N+1)")
    assert queries_3n <= resource.max_list_queries, (
        f"{resource.name}: {queries_3n} queries, pinned at {resource.max_list_queries}")

    assert client.get(detail_url(resource, granted[0])).status_code == 200
    response = client.get(detail_url(resource, hidden[0]))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def check_read_only_refuses_writes(resource: Resource, client) -> None:
    """Even a user holding every permission cannot write evidence through the API."""
    obj = resource.factory()
    before = written(resource)
    assert client.post(list_url(resource), {}, format="json").status_code == 405
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(detail_url(resource, obj), {}, format="json")
        assert response.status_code == 405, (method, response.status_code)
        assert error_of(response)["code"] == "method_not_allowed"
    assert written(resource) == before


# --------------------------------------------------------------------------------------
# Checks (writable resources)
# --------------------------------------------------------------------------------------
def check_writes_refused_without_permission(resource: Resource, client, user,
                                            expected: int) -> None:
    obj = resource.factory()
    update = resource.update_payload(obj, user)
    payload = resource.valid_payload(user)
    before = written(resource)
    responses = []
    if not (resource.owner_field and expected == 403):
        # A per-user record may be created by anyone signed in; only another's is refused.
        responses.append(client.post(list_url(resource), payload, format="json"))
    if resource.updatable:
        responses.append(client.patch(detail_url(resource, obj), update, format="json"))
    responses.append(client.delete(detail_url(resource, obj)))
    # Someone else's per-user record does not exist for this user: 404, as for a hidden row.
    status = 404 if resource.owner_field and expected == 403 else expected
    for response in responses:
        assert response.status_code == status, (response.request["REQUEST_METHOD"],
                                                response.status_code)
        error_of(response)
    assert written(resource) == before


def check_create_update_delete_write_history(resource: Resource, client, user) -> None:
    existing = set(resource.model.objects.values_list("pk", flat=True))
    response = client.post(list_url(resource),
                           {**resource.valid_payload(user), "change_reason": f"{REASON} (create)"},
                           format="json")
    assert response.status_code == 201, response.content
    created = resource.model.objects.exclude(pk__in=existing).get()
    if resource.owner_field:
        assert getattr(created, f"{resource.owner_field}_id") == user.pk
    if resource.has_history:
        row = history_of(resource, created.pk).first()
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+", user, f"{REASON} (create)")
        assert row.history_actor == user.get_username()

    # Update and delete the row just created: its author holds whatever grants the services
    # give an author (a role may only change its own records).
    obj = created
    response = client.patch(detail_url(resource, obj),
                            {**resource.update_payload(obj, user),
                             "change_reason": f"{REASON} (update)"}, format="json")
    if not resource.updatable:
        assert response.status_code == 405, response.content
    else:
        assert response.status_code == 200, response.content
        if resource.has_history:
            row = history_of(resource, obj.pk).first()
            assert (row.history_type, row.history_user, row.history_change_reason) == (
                "~", user, f"{REASON} (update)")

    response = client.delete(detail_url(resource, obj) + "?change_reason="
                             + f"{REASON} (delete)".replace(" ", "+"))
    if resource.delete_status != 204:
        # No delete route (405), or a delete the record's rules refuse (409): nothing goes.
        before = written(resource)
        assert response.status_code == resource.delete_status, response.content
        assert error_of(response)["code"] in ("method_not_allowed", "conflict")
        assert written(resource) == before
        return
    assert response.status_code == 204, response.content
    assert not resource.model.objects.filter(pk=obj.pk).exists()
    if resource.has_history:
        row = history_of(resource, obj.pk).first()
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "-", user, f"{REASON} (delete)")


def check_bad_payload_names_field_and_writes_nothing(resource: Resource, client, user) -> None:
    payload = resource.invalid_payload(user)  # may create what it refers to: count after
    before, history_before = written(resource)
    response = client.post(list_url(resource), payload, format="json")
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert resource.invalid_field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][resource.invalid_field])
    assert written(resource) == (before, history_before), "a refused create wrote rows"

    response = client.post(list_url(resource), data='{"name": ', content_type="application/json")
    assert response.status_code == 400, response.content
    assert error_of(response)["code"] == "parse_error"
    assert written(resource) == (before, history_before), "malformed JSON wrote rows"
    if not resource.updatable:
        return

    existing = set(resource.model.objects.values_list("pk", flat=True))
    assert client.post(list_url(resource), resource.valid_payload(user),
                       format="json").status_code == 201
    obj = resource.model.objects.exclude(pk__in=existing).get()
    snapshot = json.dumps(client.get(detail_url(resource, obj)).json(), sort_keys=True)
    payload = resource.invalid_payload(user)
    before_update = written(resource)
    response = client.patch(detail_url(resource, obj), payload, format="json")
    assert response.status_code == 400, response.content
    assert resource.invalid_field in error_of(response)["fields"]
    assert json.dumps(client.get(detail_url(resource, obj)).json(), sort_keys=True) == snapshot
    assert written(resource) == before_update, "a refused update wrote rows"


# --------------------------------------------------------------------------------------
# The generated tests
# --------------------------------------------------------------------------------------
@pytest.fixture
def grant_only_user(db):
    """Signed in, no role: sees exactly the rows granted to them one by one."""
    return UserFactory(username="grant-only")


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_anonymous_is_refused(resource, api_client):
    check_anonymous_refused(resource, api_client)


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_refused_user_gets_403(resource, api_client_for, refused_user):
    check_refused_user_gets_403(resource, api_client_for(refused_user))


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_object_grants_and_constant_list_queries(resource, api_client_for, grant_only_user):
    check_object_grants_and_query_count(resource, api_client_for(grant_only_user), grant_only_user)


@pytest.mark.parametrize("resource", READ_ONLY, ids=str)
def test_read_only_resource_refuses_writes(resource, api_client_for, platform_admin):
    check_read_only_refuses_writes(resource, api_client_for(platform_admin))


@pytest.mark.parametrize("resource", WRITABLE, ids=str)
def test_writes_refused_for_anonymous_and_refused_user(resource, api_client, api_client_for,
                                                       refused_user):
    check_writes_refused_without_permission(resource, api_client, refused_user, expected=401)
    check_writes_refused_without_permission(resource, api_client_for(refused_user), refused_user,
                                            expected=403)


@pytest.mark.parametrize("resource", WRITABLE, ids=str)
def test_writes_leave_history_with_user_and_reason(resource, api_client_for, request):
    user = request.getfixturevalue(resource.writer)
    check_create_update_delete_write_history(resource, api_client_for(user), user)


@pytest.mark.parametrize("resource", WRITABLE, ids=str)
def test_bad_payload_is_400_naming_the_field(resource, api_client_for, request):
    user = request.getfixturevalue(resource.writer)
    check_bad_payload_names_field_and_writes_nothing(resource, api_client_for(user), user)
