"""A legal hold freezes what it covers: the services refuse every change, stage move and
delete of a held model, version, dataset or dataset version with a conflict naming the
hold, and each door (API, admin, dashboard) shows that refusal with nothing written."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ConflictError
from inventory.choices import ModelStage
from inventory.models import MLModel, ModelVersion
from inventory.services import catalogue, retention, versions
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def _hold(reference: str = "CASE-7", **target):
    return retention.legal_hold_place(actor=None, reason="test", data={
        "reference": reference, "reason": "Litigation about credit decisions.", **target})


def _registered_model(owner) -> MLModel:
    return catalogue.mlmodel_create(actor=owner, reason="Registered", data={
        "name": "credit-default-xgb", "purpose": "Scores applications.", "owner": owner,
        "steward": owner, "team": TeamFactory(members=[owner]),
        "training_date": datetime.date(2026, 1, 1), "input_schema": VALID_INPUT_SCHEMA,
        "output_schema": VALID_OUTPUT_SCHEMA, "evaluation_metrics": {"auc": 0.8},
        "training_environment": "python", "inference_requirements": "1 vCPU"})


# --------------------------------------------------------------------------------------
# The services: one check, every write
# --------------------------------------------------------------------------------------
def test_a_held_model_cannot_be_changed_deleted_or_its_versions_moved():
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    model = version.model
    _hold(model=model)
    history = (MLModel.history.count(), ModelVersion.history.count())

    for write in (
        lambda: catalogue.asset_update(asset=model, actor=None, reason="r",
                                       data={"purpose": "Changed."}),
        lambda: catalogue.mlmodel_risk_tier_set(model=model, actor=None, reason="r",
                                                risk_tier="high"),
        lambda: catalogue.mlmodel_delete(model=model, actor=None, reason="r"),
        lambda: versions.model_version_transition(version=version, to_stage=ModelStage.DEPRECATED,
                                                  actor=None, reason="r"),
    ):
        with pytest.raises(ConflictError) as refused:
            write()
        assert "CASE-7" in refused.value.message and "legal hold" in refused.value.message

    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION
    assert (MLModel.history.count(), ModelVersion.history.count()) == history


def test_a_hold_on_a_version_freezes_it_and_blocks_deleting_its_model():
    version = ModelVersionFactory(stage=ModelStage.REGISTERED)
    _hold(model_version=version)
    with pytest.raises(ConflictError, match="CASE-7"):
        versions.model_version_update(version=version, actor=None, reason="r",
                                      data={"description": "Changed."})
    with pytest.raises(ConflictError, match="CASE-7"):
        versions.model_version_transition(version=version, to_stage=ModelStage.RETIRED,
                                          actor=None, reason="r")
    with pytest.raises(ConflictError, match="CASE-7"):
        catalogue.mlmodel_delete(model=version.model, actor=None, reason="r")
    assert ModelVersion.objects.filter(pk=version.pk).exists()


def test_a_held_dataset_freezes_its_versions():
    version = DatasetVersionFactory(uri="s3://bucket/a.csv")
    _hold(dataset=version.dataset)
    with pytest.raises(ConflictError, match="CASE-7"):
        versions.dataset_version_update(version=version, actor=None, reason="r",
                                        data={"uri": "s3://bucket/b.csv"})
    with pytest.raises(ConflictError, match="CASE-7"):
        catalogue.asset_update(asset=version.dataset, actor=None, reason="r",
                               data={"purpose": "Changed."})
    version.refresh_from_db()
    assert version.uri == "s3://bucket/a.csv"


def test_after_release_the_record_may_change_again():
    dataset = DatasetFactory()
    hold = _hold(dataset=dataset)
    retention.legal_hold_release(hold=hold, actor=None, reason="Case closed")
    catalogue.asset_update(asset=dataset, actor=None, reason="r", data={"purpose": "Changed."})
    dataset.refresh_from_db()
    assert dataset.purpose == "Changed."


def test_the_deprecation_job_records_a_hold_as_a_refusal():
    from inventory.services.deprecation import _apply
    from tests.factories.lifecycle import DeprecationNoticeFactory

    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    _hold(model=version.model)
    notice = DeprecationNoticeFactory(model_version=version, target_stage=ModelStage.DEPRECATED,
                                      notified_at=timezone.now())
    status, outcome = _apply(notice, version)
    assert status == "refused" and "CASE-7" in outcome
    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION


# --------------------------------------------------------------------------------------
# One test per door
# --------------------------------------------------------------------------------------
def test_api_answers_409_naming_the_hold(api_client_for, platform_admin):
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    model = version.model
    _hold(model=model)
    client = api_client_for(platform_admin)

    changed = client.patch(reverse("inventory-api:mlmodel-detail", args=[model.pk]),
                           {"purpose": "Changed.", "change_reason": "r"}, format="json")
    retired = client.post(reverse("inventory-api:modelversion-transition", args=[version.pk]),
                          {"to_stage": "deprecated", "change_reason": "r"}, format="json")

    for response in (changed, retired):
        assert response.status_code == 409, response.content
        assert "CASE-7" in response.json()["error"]["message"]
    model.refresh_from_db()
    version.refresh_from_db()
    assert model.purpose != "Changed." and version.stage == ModelStage.PRODUCTION


def test_api_refuses_a_user_without_the_permission_before_the_hold(api_client_for, refused_user):
    model = MLModelFactory()
    _hold(model=model)
    response = api_client_for(refused_user).patch(
        reverse("inventory-api:mlmodel-detail", args=[model.pk]), {"purpose": "x"},
        format="json")
    assert response.status_code in (403, 404)


def _admin_form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, dict | list) and name not in ("compliance_tags",):
            value = json.dumps(value)
        data[name] = value
    data.update({"versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"})
    return data


def test_admin_shows_the_hold_and_saves_nothing(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    model = _registered_model(platform_admin)
    hold = _hold(model=model)
    client.force_login(platform_admin)
    url = reverse("admin:inventory_mlmodel_change", args=[model.pk])
    data = {**_admin_form_data(client.get(url)), "purpose": "Changed in the admin.",
            "change_reason": "Edit"}

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "CASE-7" in refused.content.decode()
    model.refresh_from_db()
    assert model.purpose == "Scores applications."

    retention.legal_hold_release(hold=hold, actor=None, reason="Case closed")
    assert client.post(url, data).status_code == 302  # the same change, once released
    model.refresh_from_db()
    assert model.purpose == "Changed in the admin."


def test_admin_cannot_move_a_held_version(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    _hold(model_version=version)
    client.force_login(platform_admin)
    url = reverse("admin:inventory_modelversion_change", args=[version.pk])
    data = {**_admin_form_data(client.get(url)), "to_stage": "deprecated",
            "change_reason": "Retire it"}

    response = client.post(url, data)

    assert "CASE-7" in response.content.decode()
    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION


def test_dashboard_edit_shows_the_hold_and_saves_nothing(client, platform_admin):
    model = _registered_model(platform_admin)
    _hold(model=model)
    client.force_login(platform_admin)
    url = reverse("inventory:mlmodel_edit", args=[model.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(purpose="Changed in the dashboard.", change_reason="Edit", compliance_tags=[],
                tracked_artefacts=data.get("tracked_artefacts") or [])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "CASE-7" in response.content.decode()
    model.refresh_from_db()
    assert model.purpose == "Scores applications."


def test_dashboard_transition_shows_the_hold(client, platform_admin):
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    _hold(model=version.model)
    client.force_login(platform_admin)

    response = client.post(reverse("inventory:modelversion_transition", args=[version.pk]),
                           {"to_stage": "deprecated", "change_reason": "End of life"})

    assert response.status_code == 200
    assert "CASE-7" in response.content.decode()
    version.refresh_from_db()
    assert version.stage == ModelStage.PRODUCTION


def test_dashboard_refuses_a_user_without_the_permission(client, refused_user):
    model = MLModelFactory()
    _hold(model=model)
    client.force_login(refused_user)
    assert client.get(reverse("inventory:mlmodel_edit", args=[model.pk])).status_code in (403, 404)
