"""The contract suite's write checks, run against a probe resource (Team through the bare
governed API base, see `probe_urls.py`): they pass on a correct resource and would catch a
resource that loses the reason or writes on a bad payload."""

from __future__ import annotations

import factory
import pytest

from inventory.models import Team
from tests.api import test_contract as contract_checks
from tests.api.contract import Resource

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.probe_urls")]


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    business_unit = "Retail credit"


TEAMS = Resource(
    name="probe-teams",
    route="probe-api:team",
    factory=TeamFactory,
    valid_payload=lambda user: {"name": "Fraud analytics", "slug": "fraud-analytics",
                                "business_unit": "Payments"},
    update_payload=lambda obj, user: {"description": "Owns the card-fraud models."},
    invalid_payload=lambda user: {"name": "", "slug": "not a slug!", "business_unit": "Payments"},
    invalid_field="slug",
    max_list_queries=8,
)


def test_probe_anonymous_and_refused_user(api_client, api_client_for, refused_user):
    contract_checks.check_anonymous_refused(TEAMS, api_client)
    contract_checks.check_refused_user_gets_403(TEAMS, api_client_for(refused_user))
    contract_checks.check_writes_refused_without_permission(TEAMS, api_client, refused_user, 401)
    contract_checks.check_writes_refused_without_permission(
        TEAMS, api_client_for(refused_user), refused_user, 403)


def test_probe_object_grants_and_query_count(api_client_for, refused_user):
    contract_checks.check_object_grants_and_query_count(
        TEAMS, api_client_for(refused_user), refused_user)


def test_probe_writes_leave_history(api_client_for, platform_admin):
    contract_checks.check_create_update_delete_write_history(
        TEAMS, api_client_for(platform_admin), platform_admin)


def test_probe_bad_payload(api_client_for, platform_admin):
    contract_checks.check_bad_payload_names_field_and_writes_nothing(
        TEAMS, api_client_for(platform_admin), platform_admin)


def test_history_check_catches_a_lost_reason(api_client_for, platform_admin, monkeypatch):
    """A resource whose writes drop the change reason must fail the history check."""
    monkeypatch.setattr("tests.api.probe_urls.TeamProbeViewSet._reason",
                        lambda self, serializer=None, default="": default)
    with pytest.raises(AssertionError):
        contract_checks.check_create_update_delete_write_history(
            TEAMS, api_client_for(platform_admin), platform_admin)
