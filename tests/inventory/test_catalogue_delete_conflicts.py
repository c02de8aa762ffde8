"""A delete refused because other records still refer to the row is a 409 naming them in the
API and a message naming them in the admin and the dashboard; nothing is deleted and no door
answers with a server error. Covered: a team that still owns assets, and a model whose
version once had a legal hold (released since: the hold stays as evidence)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.exceptions import ConflictError
from inventory.models import LegalHold, MLModel, ModelVersion, Team
from inventory.services import catalogue, retention
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    return platform_admin


def _released_hold_model() -> MLModel:
    version = ModelVersionFactory()
    hold = retention.legal_hold_place(actor=None, reason="test", data={
        "reference": "CASE-9", "reason": "Discovery.", "model_version": version})
    retention.legal_hold_release(hold=hold, actor=None, reason="Case closed")
    return version.model


def _assert_nothing_deleted(model: MLModel) -> None:
    assert MLModel.objects.filter(pk=model.pk).exists()
    assert ModelVersion.objects.filter(model=model).exists()
    assert LegalHold.objects.filter(model_version__model=model).exists()


def test_the_service_names_the_released_hold():
    model = _released_hold_model()
    with pytest.raises(ConflictError) as refused:
        catalogue.mlmodel_delete(model=model, actor=None, reason="Clean-up")
    assert "CASE-9" in refused.value.message and model.name in refused.value.message
    _assert_nothing_deleted(model)


def test_api_deleting_a_team_that_owns_assets_is_409(api_client_for, platform_admin):
    team = TeamFactory()
    model = MLModelFactory(team=team)
    response = api_client_for(platform_admin).delete(
        reverse("inventory-api:team-detail", args=[team.pk]))
    assert response.status_code == 409
    assert model.name in response.json()["error"]["message"]
    assert Team.objects.filter(pk=team.pk).exists()


def test_api_deleting_a_model_whose_version_had_a_hold_is_409(api_client_for, platform_admin):
    model = _released_hold_model()
    response = api_client_for(platform_admin).delete(
        reverse("inventory-api:mlmodel-detail", args=[model.pk]))
    assert response.status_code == 409
    assert "CASE-9" in response.json()["error"]["message"]
    _assert_nothing_deleted(model)


def test_api_delete_refuses_a_user_without_the_permission(api_client_for, refused_user):
    team = TeamFactory()
    response = api_client_for(refused_user).delete(
        reverse("inventory-api:team-detail", args=[team.pk]))
    assert response.status_code in (403, 404)
    assert Team.objects.filter(pk=team.pk).exists()


def test_admin_deleting_a_team_that_owns_assets_names_them(client, staff_admin):
    team = TeamFactory()
    model = MLModelFactory(team=team)
    client.force_login(staff_admin)

    single = client.post(reverse("admin:inventory_team_delete", args=[team.pk]),
                         {"post": "yes"}, follow=True)
    bulk = client.post(reverse("admin:inventory_team_changelist"), {
        "action": "delete_selected", "_selected_action": [team.pk], "post": "yes"}, follow=True)

    for response in (single, bulk):
        assert response.status_code == 200
        assert model.name in response.content.decode()
    assert Team.objects.filter(pk=team.pk).exists()


def test_admin_deleting_a_model_whose_version_had_a_hold_names_it(client, staff_admin):
    model = _released_hold_model()
    client.force_login(staff_admin)

    single = client.post(reverse("admin:inventory_mlmodel_delete", args=[model.pk]),
                         {"post": "yes"}, follow=True)
    bulk = client.post(reverse("admin:inventory_mlmodel_changelist"), {
        "action": "delete_selected", "_selected_action": [model.pk], "post": "yes"}, follow=True)

    for response in (single, bulk):
        assert response.status_code == 200
        assert "CASE-9" in response.content.decode()
    assert "Successfully deleted" not in bulk.content.decode()
    _assert_nothing_deleted(model)


def test_admin_deletes_a_never_deployed_model_with_its_versions(client, staff_admin):
    version = ModelVersionFactory()
    client.force_login(staff_admin)
    client.post(reverse("admin:inventory_mlmodel_delete", args=[version.model_id]),
                {"post": "yes"})
    assert not MLModel.objects.filter(pk=version.model_id).exists()


def test_dashboard_deleting_a_model_whose_version_had_a_hold_names_it(client, platform_admin):
    model = _released_hold_model()
    client.force_login(platform_admin)
    response = client.post(reverse("inventory:mlmodel_delete", args=[model.pk]),
                           {"reason": "Clean-up"})
    assert response.status_code == 200
    assert "CASE-9" in response.content.decode()
    _assert_nothing_deleted(model)


def test_dashboard_delete_refuses_a_user_without_the_permission(client, refused_user):
    model = MLModelFactory()
    client.force_login(refused_user)
    response = client.post(reverse("inventory:mlmodel_delete", args=[model.pk]),
                           {"reason": "Clean-up"})
    assert response.status_code in (403, 404)
    assert MLModel.objects.filter(pk=model.pk).exists()


def test_an_active_hold_is_named_as_a_hold(api_client_for, platform_admin):
    version = ModelVersionFactory()
    retention.legal_hold_place(actor=None, reason="test", data={
        "reference": "CASE-10", "reason": "Discovery.", "model_version": version})
    response = api_client_for(platform_admin).delete(
        reverse("inventory-api:mlmodel-detail", args=[version.model_id]))
    assert response.status_code == 409
    assert "under legal hold “CASE-10”" in response.json()["error"]["message"]
    assert MLModel.objects.filter(pk=version.model_id).exists()
