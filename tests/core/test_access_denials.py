"""Explicit denials are governed records: created and lifted through one service from the
API, the admin and the dashboard, with history, and they may target a user, a role or a team."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import PermissionDenial
from core.roles import Role
from core.services.access import permission_denial_create, permission_denial_lift
from inventory.models import MLModel
from tests.factories.catalogue import MLModelFactory, TeamFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/permission-denials/"


@pytest.fixture
def model():
    return MLModelFactory(name="credit-default-xgb")


def _visible(user) -> list[str]:
    return list(MLModel.objects.restrict(user, "view").values_list("name", flat=True))


def test_a_team_denial_hides_the_record_from_every_member_only(compliance_officer, model):
    member, outsider = UserFactory(roles=[Role.DATA_SCIENTIST]), UserFactory(roles=[Role.DATA_SCIENTIST])
    team = TeamFactory(members=[member])

    permission_denial_create(obj=model, action="view", actor=compliance_officer,
                             reason="Under investigation", team=team)

    assert _visible(member) == []
    assert _visible(outsider) == ["credit-default-xgb"]


def test_a_role_denial_covers_everyone_with_the_role(compliance_officer, model):
    scientist = UserFactory(roles=[Role.DATA_SCIENTIST])
    permission_denial_create(obj=model, action="view", actor=compliance_officer, reason="Embargo",
                             group=Group.objects.get(name=Role.DATA_SCIENTIST))
    assert _visible(scientist) == []


def test_create_and_lift_are_in_the_history_with_who_and_why(compliance_officer, model):
    user = UserFactory()
    denial = permission_denial_create(obj=model, action="change", actor=compliance_officer,
                                      reason="Frozen for audit", user=user)
    denial_pk = denial.pk

    permission_denial_lift(denial=denial, actor=compliance_officer, reason="Audit closed")

    history = PermissionDenial.history.filter(id=denial_pk).order_by("history_date")
    assert [(h.history_type, h.history_change_reason, h.history_user) for h in history] == [
        ("+", "Frozen for audit", compliance_officer), ("-", "Audit closed", compliance_officer)]
    assert not PermissionDenial.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"action": "fly"}, "action"),
    ({"reason": " "}, "reason"),
    ({"user": None}, "__all__"),
    ({"group_too": True}, "__all__"),
])
def test_bad_denials_are_refused_by_field_and_nothing_is_written(compliance_officer, model,
                                                                  kwargs, field):
    arguments = {"obj": model, "action": "view", "actor": compliance_officer, "reason": "Why",
                 "user": UserFactory()}
    if kwargs.pop("group_too", False):
        arguments["group"] = Group.objects.get(name=Role.AUDITOR)
    arguments.update(kwargs)

    with pytest.raises(ValidationError) as refused:
        permission_denial_create(**arguments)

    assert field in refused.value.message_dict
    assert not PermissionDenial.objects.exists()
    assert not PermissionDenial.history.exists()


# -------------------------------------------------------------------------------------------
# API
# -------------------------------------------------------------------------------------------
def test_api_create_list_and_lift(api_client_for, compliance_officer, model):
    client = api_client_for(compliance_officer)
    team = TeamFactory()

    created = client.post(LIST, {"record_type": "inventory.mlmodel", "object_id": str(model.pk),
                                 "action": "view", "team": team.pk, "reason": "Investigation"},
                          format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["record_type"] == "inventory.mlmodel"
    assert created.json()["created_by"] == compliance_officer.username

    listed = client.get(LIST, {"record_type": "inventory.mlmodel", "team": team.pk}).json()
    assert [row["id"] for row in listed["results"]] == [created.json()["id"]]

    lifted = client.delete(f"{LIST}{created.json()['id']}/?change_reason=Closed")
    assert lifted.status_code == 204
    assert PermissionDenial.history.filter(history_type="-").get().history_change_reason == "Closed"


@pytest.mark.parametrize(("change", "field"), [
    ({"record_type": "inventory.nothing"}, "record_type"),
    ({"object_id": "999999"}, "object_id"),
    ({"action": "fly"}, "action"),
    ({"reason": ""}, "reason"),
])
def test_api_bad_denial_is_400_naming_the_field_and_writes_nothing(api_client_for, compliance_officer,
                                                                    model, change, field):
    payload = {"record_type": "inventory.mlmodel", "object_id": str(model.pk), "action": "view",
               "user": compliance_officer.username, "reason": "Why", **change}

    response = api_client_for(compliance_officer).post(LIST, payload, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not PermissionDenial.objects.exists()


def test_api_refuses_those_who_may_not_deny(api_client_for, data_scientist, refused_user, model):
    payload = {"record_type": "inventory.mlmodel", "object_id": str(model.pk), "action": "view",
               "user": data_scientist.username, "reason": "Why"}
    assert api_client_for(data_scientist).post(LIST, payload, format="json").status_code == 403
    assert api_client_for(refused_user).get(LIST).status_code == 403
    assert not PermissionDenial.objects.exists()


# -------------------------------------------------------------------------------------------
# Admin and dashboard
# -------------------------------------------------------------------------------------------
def test_admin_add_goes_through_the_service_with_its_checks(client, model):
    admin_user = UserFactory(roles=[Role.PLATFORM_ADMIN], is_staff=True)
    client.force_login(admin_user)
    url = reverse("admin:core_permissiondenial_add")
    content_type = ContentType.objects.get_for_model(MLModel).pk
    target = UserFactory()

    refused = client.post(url, {"content_type": content_type, "object_id": model.pk, "action": "fly",
                                "user": target.pk, "reason": "Why"})
    assert refused.status_code == 200
    assert "Choose one of" in refused.content.decode()
    assert not PermissionDenial.objects.exists()

    client.post(url, {"content_type": content_type, "object_id": model.pk, "action": "view",
                      "user": target.pk, "reason": "Investigation"})
    denial = PermissionDenial.objects.get()
    assert denial.created_by == admin_user
    assert denial.history.get().history_change_reason == "Investigation"


def test_dashboard_deny_then_lift(client, compliance_officer, model):
    client.force_login(compliance_officer)
    target = UserFactory()
    add = reverse("core:permissiondenial_add")
    content_type = ContentType.objects.get_for_model(MLModel).pk

    missing_target = client.post(add, {"record_type": content_type, "object_id": model.pk,
                                       "action": "view", "reason": "Why"})
    assert "Choose exactly one user, role or team." in missing_target.content.decode()

    done = client.post(add, {"record_type": content_type, "object_id": model.pk, "action": "view",
                             "user": target.pk, "reason": "Investigation"})
    denial = PermissionDenial.objects.get()
    assert done.status_code == 302 and done.url == denial.get_absolute_url()
    assert "Investigation" in client.get(reverse("core:permissiondenial_list")).content.decode()

    client.post(denial.get_absolute_url(), {"reason": "Closed"})
    assert not PermissionDenial.objects.exists()


def test_dashboard_refuses_those_who_may_not_deny(client, data_scientist, refused_user):
    client.force_login(data_scientist)
    assert client.get(reverse("core:permissiondenial_add")).status_code == 403
    client.force_login(refused_user)
    assert client.get(reverse("core:permissiondenial_list")).status_code == 403
