"""Schemathesis drives every GET operation of /api/schema/ with generated parameters: no input
is a 500, 2xx bodies match the schema, and every refusal uses the one error shape.

Status codes other than 200 are not documented per operation yet (ST103), and a filter may
refuse a schema-valid value such as an unknown id (ST202), so those two checks are left out.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from core.roles import Role
from tests.factories import AccessEventFactory, JobRunFactory, UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
schema = schema.include(method="GET")


@schemathesis.check
def error_shape(ctx, response, case) -> None:
    """Every 4xx answer is `{"error": {"status", "code", "message"[, "fields"]}}`."""
    if not 400 <= response.status_code < 500:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code, body
    assert body["error"]["code"] and body["error"]["message"], body


@pytest.fixture
def bearer(db):
    """A platform admin's token, and the WSGI app kept from closing the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    user = UserFactory(username="schema-fuzzer", roles=[Role.PLATFORM_ADMIN])
    JobRunFactory.create_batch(2)
    AccessEventFactory()
    yield {"Authorization": f"Bearer {Token.objects.create(user=user).key}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Operations whose 2xx body does not match the schema yet: every other check still runs on
# them. Each entry says why; remove it with the fix.
RESPONSE_SCHEMA_KNOWN_GAPS = {
    "GET /api/v1/models/licence-constraints/":
        "rows without a classification omit the key the schema marks required (catalogue API)",
}


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_get_operations_never_fail_on_generated_input(case, bearer):
    checks = [not_a_server_error, content_type_conformance, error_shape]
    if f"{case.method} {case.path}" not in RESPONSE_SCHEMA_KNOWN_GAPS:
        checks.append(response_schema_conformance)
    case.call_and_validate(headers=bearer, checks=checks)
