"""The API base: one JSON error shape, bad input as 400 (never 500), filters, pagination,
token authentication and role checks on the evidence endpoints."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.choices import JobStatus
from tests.api.test_contract import error_of
from tests.factories import AccessEventFactory, JobRunFactory

pytestmark = pytest.mark.django_db

JOB_RUNS = "/api/v1/job-runs/"
ACCESS_EVENTS = "/api/v1/access-events/"
PROBE = "tests.api.probe_urls"


def probe_url(kind: str) -> str:
    return reverse("probe-errors", args=[kind])


def client_with(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


# --------------------------------------------------------------------------------------
# One error shape for 400/401/403/404/405/409 (and 415)
# --------------------------------------------------------------------------------------
def test_unknown_filter_is_400_naming_it(api_client_for, auditor):
    response = api_client_for(auditor).get(JOB_RUNS, {"stauts": "failed", "name": "x"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"] == {"stauts": ["Unknown filter."]}


@pytest.mark.parametrize(("parameter", "value"), [
    ("created_after", "last tuesday"),
    ("status", "exploded"),
])
def test_bad_filter_value_is_400_naming_the_filter(api_client_for, auditor, parameter, value):
    response = api_client_for(auditor).get(JOB_RUNS, {parameter: value})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [parameter]


def test_good_filters_narrow_the_list(api_client_for, auditor):
    failed = JobRunFactory(status=JobStatus.FAILED)
    JobRunFactory(status=JobStatus.SUCCEEDED)
    response = api_client_for(auditor).get(JOB_RUNS, {"status": "failed"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [failed.pk]


def test_anonymous_is_401_with_bearer_challenge(api_client):
    response = api_client.get(JOB_RUNS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [JOB_RUNS, ACCESS_EVENTS])
def test_refused_user_gets_403(api_client_for, refused_user, url):
    response = api_client_for(refused_user).get(url)
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_access_log_is_for_oversight_roles_only(api_client_for, auditor, data_scientist):
    AccessEventFactory()
    assert api_client_for(auditor).get(ACCESS_EVENTS).status_code == 200
    response = api_client_for(data_scientist).get(ACCESS_EVENTS)
    assert response.status_code == 403
    error_of(response)


def test_unknown_record_is_404(api_client_for, auditor):
    response = api_client_for(auditor).get(f"{JOB_RUNS}987654/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_page_past_the_end_is_404(api_client_for, auditor):
    JobRunFactory()
    response = api_client_for(auditor).get(JOB_RUNS, {"page": 9})
    assert response.status_code == 404
    error_of(response)


def test_method_not_allowed_is_405(api_client_for, platform_admin):
    response = api_client_for(platform_admin).post(JOB_RUNS, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_write_to_evidence_without_permission_is_403(api_client_for, auditor):
    run = JobRunFactory()
    response = api_client_for(auditor).delete(f"{JOB_RUNS}{run.pk}/")
    assert response.status_code == 403
    error_of(response)


@pytest.mark.urls(PROBE)
def test_conflict_is_409(api_client_for, auditor):
    response = api_client_for(auditor).get(probe_url("conflict"))
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["message"] == "The version was promoted meanwhile."


@pytest.mark.urls(PROBE)
def test_django_validation_error_is_400_per_field(api_client_for, auditor):
    response = api_client_for(auditor).get(probe_url("django-validation"))
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert fields == {
        "name": ["Name must look like domain-purpose-variant, e.g. credit-default-xgb."],
        "non_field_errors": ["A retired model cannot be changed."],
    }


@pytest.mark.urls(PROBE)
def test_django_validation_error_without_field_is_non_field(api_client_for, auditor):
    response = api_client_for(auditor).get(probe_url("django-validation-plain"))
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"non_field_errors": ["The record is frozen."]}


@pytest.mark.urls(PROBE)
@pytest.mark.parametrize(("kind", "status", "code"), [
    ("not-found", 404, "not_found"),
    ("denied", 403, "permission_denied"),
])
def test_django_exceptions_keep_the_shape(api_client_for, auditor, kind, status, code):
    response = api_client_for(auditor).get(probe_url(kind))
    assert response.status_code == status
    assert error_of(response)["code"] == code


@pytest.mark.urls(PROBE)
def test_denial_message_reaches_the_client(api_client_for, auditor):
    response = api_client_for(auditor).get(probe_url("denied"))
    assert error_of(response)["message"] == "Only the model owner may do this."


# --------------------------------------------------------------------------------------
# Bad bodies: 400 (or 415), never 500
# --------------------------------------------------------------------------------------
@pytest.mark.urls(PROBE)
@pytest.mark.parametrize("body", ['{"name": ', "[1, 2", "not json at all", '{"name": NaN'])
def test_malformed_json_is_400(api_client_for, auditor, body):
    response = api_client_for(auditor).post(probe_url("echo"), data=body,
                                            content_type="application/json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "parse_error"
    assert "JSON" in error["message"]


@pytest.mark.urls(PROBE)
def test_json_that_is_not_an_object_is_400(api_client_for, auditor):
    response = api_client_for(auditor).post(probe_url("echo"), data="[1, 2]",
                                            content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in error_of(response)["fields"]


@pytest.mark.urls(PROBE)
def test_wrong_types_are_400_naming_every_field(api_client_for, auditor):
    response = api_client_for(auditor).post(probe_url("echo"), {
        "name": ["not", "a", "string"], "count": "many", "enabled": "perhaps",
        "when": "yesterday"}, format="json")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert set(fields) == {"name", "count", "enabled", "when"}
    assert fields["count"] == ["A valid integer is required."]


@pytest.mark.urls(PROBE)
def test_missing_fields_are_named(api_client_for, auditor):
    response = api_client_for(auditor).post(probe_url("echo"), {}, format="json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"name", "count", "enabled", "when"}


@pytest.mark.urls(PROBE)
def test_valid_body_is_accepted(api_client_for, auditor):
    response = api_client_for(auditor).post(probe_url("echo"), {
        "name": "ok", "count": 3, "enabled": True, "when": "2026-01-31T09:00:00Z"}, format="json")
    assert response.status_code == 201
    assert response.json()["count"] == 3


@pytest.mark.urls(PROBE)
def test_unsupported_media_type_is_415(api_client_for, auditor):
    response = api_client_for(auditor).post(probe_url("echo"), data="name=ok",
                                            content_type="text/csv")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


@pytest.mark.urls(PROBE)
def test_governed_serializer_runs_model_validation(api_client_for, platform_admin):
    """Model rules (here: uniqueness) come back as field errors before anything is written."""
    client = api_client_for(platform_admin)
    url = reverse("probe-api:team-list")
    payload = {"name": "Fraud", "slug": "fraud", "business_unit": "Payments"}
    assert client.post(url, payload, format="json").status_code == 201
    response = client.post(url, payload, format="json")
    assert response.status_code == 400
    assert {"name", "slug"} <= set(error_of(response)["fields"])


# --------------------------------------------------------------------------------------
# Pagination
# --------------------------------------------------------------------------------------
def test_page_size_is_client_settable(api_client_for, auditor):
    JobRunFactory.create_batch(5)
    body = api_client_for(auditor).get(JOB_RUNS, {"page_size": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page_size=2" in body["next"]


def test_page_size_is_bounded_by_setting(api_client_for, auditor, settings):
    settings.CUSTODIA_API_MAX_PAGE_SIZE = 3
    JobRunFactory.create_batch(5)
    body = api_client_for(auditor).get(JOB_RUNS, {"page_size": 1000}).json()
    assert len(body["results"]) == 3


def test_default_page_size_is_50(api_client_for, auditor):
    JobRunFactory.create_batch(51)
    body = api_client_for(auditor).get(JOB_RUNS).json()
    assert body["count"] == 51 and len(body["results"]) == 50


def test_nonsense_page_size_falls_back_to_default(api_client_for, auditor):
    JobRunFactory.create_batch(2)
    response = api_client_for(auditor).get(JOB_RUNS, {"page_size": "lots"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


# --------------------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_token_authenticates_with_either_keyword(auditor, keyword):
    token = Token.objects.create(user=auditor)
    JobRunFactory()
    response = client_with(f"{keyword} {token.key}").get(JOB_RUNS)
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("header", [
    "Bearer 0123456789abcdef0123456789abcdef01234567",
    "Token wrong",
    "Bearer",
    "Bearer two parts",
])
def test_bad_token_is_401(auditor, header):
    Token.objects.create(user=auditor)
    response = client_with(header).get(JOB_RUNS)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_other_schemes_are_not_tokens(auditor):
    response = client_with("Basic YXVkaXRvcjpzZWNyZXQ=").get(JOB_RUNS)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_token_of_deactivated_user_is_refused(auditor):
    token = Token.objects.create(user=auditor)
    auditor.is_active = False
    auditor.save()
    response = client_with(f"Bearer {token.key}").get(JOB_RUNS)
    assert response.status_code == 401
    error_of(response)


def test_session_authenticates_for_reads(client, auditor):
    client.force_login(auditor)
    assert client.get(JOB_RUNS, HTTP_ACCEPT="application/json").status_code == 200


def test_session_writes_need_csrf(auditor, platform_admin):
    """A browser session cannot be used to write without the CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(platform_admin)
    response = client.post(JOB_RUNS, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


# --------------------------------------------------------------------------------------
# Ordering
# --------------------------------------------------------------------------------------
def test_ordering_by_a_declared_field(api_client_for, auditor):
    JobRunFactory(name="b-job")
    JobRunFactory(name="a-job")
    client = api_client_for(auditor)
    names = [row["name"] for row in client.get(JOB_RUNS, {"ordering": "name"}).json()["results"]]
    assert names == ["a-job", "b-job"]
    names = [row["name"] for row in client.get(JOB_RUNS, {"ordering": "-name"}).json()["results"]]
    assert names == ["b-job", "a-job"]


@pytest.mark.parametrize("ordering", ["nmae", "-log", "name,parameters"])
def test_ordering_by_an_unknown_field_is_400(api_client_for, auditor, ordering):
    response = api_client_for(auditor).get(JOB_RUNS, {"ordering": ordering})
    assert response.status_code == 400
    message = error_of(response)["fields"]["ordering"][0]
    assert "Cannot order by" in message and "name" in message


# --------------------------------------------------------------------------------------
# Unexpected errors: a plain 500, no internals
# --------------------------------------------------------------------------------------
@pytest.mark.urls(PROBE)
def test_unexpected_api_error_is_500_without_internals(auditor):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(auditor)
    response = client.get(probe_url("bug"))
    assert response.status_code == 500
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content
    assert error_of(response)["code"] == "server_error"


@pytest.mark.parametrize("path", ["/api/v1/job-runs/0.5/", "/api/v1/no-such-resource/",
                                  "/api/nothing-here"])
def test_unrouted_api_path_is_a_json_404(api_client_for, auditor, path):
    response = api_client_for(auditor).get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.urls(PROBE)
def test_unexpected_page_error_is_the_styled_500_page(auditor):
    client = Client(raise_request_exception=False)
    client.force_login(auditor)
    response = client.get(reverse("probe-broken-page"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internal detail" not in html
