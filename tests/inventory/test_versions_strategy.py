"""The versioning strategy, enforced: what a version must pin (granular: data with SHA-256,
code commit, environment digest; monolithic: one bundle with its SHA-256), checked once by
the versions service and refused with per-field errors at every door."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inventory.choices import ModelStage, VersioningStrategy
from inventory.models import ModelVersion
from inventory.services import versions
from tests.factories.catalogue import (
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    PinnedModelVersionFactory,
)

pytestmark = pytest.mark.django_db
SHA = "a" * 64
DIGEST = "sha256:" + "e" * 64
GRANULAR_FIELDS = {"datasets", "code_commit", "environment_digest"}


def base_data(**extra) -> dict:
    return {"artifact_uri": "s3://m/1", "artifact_sha256": SHA,
            "training_date": datetime.date(2026, 1, 1), "evaluation_metrics": {"auc": 0.8},
            "input_schema": {"type": "object"}, "output_schema": {"type": "object"},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU", **extra}


def api_body(model, **extra) -> dict:
    body = base_data(**extra)
    body["training_date"] = "2026-01-01"
    return {"model": model.pk, "change_reason": "CI build", **body}


# --------------------------------------------------------------------------------------
# The rule, at the service
# --------------------------------------------------------------------------------------
def test_granular_registration_names_each_missing_pin_and_takes_no_number(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    with pytest.raises(ValidationError) as refused:
        versions.model_version_register(model=model, actor=platform_admin, reason="CI",
                                        data=base_data())
    assert set(refused.value.message_dict) >= GRANULAR_FIELDS
    assert not ModelVersion.objects.filter(model=model).exists()


def test_granular_data_must_carry_a_checksum(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    unchecked = DatasetVersionFactory(sha256="")
    with pytest.raises(ValidationError) as refused:
        versions.model_version_register(model=model, actor=platform_admin, reason="CI", data=base_data(
            code_commit="abc", environment_digest=DIGEST,
            datasets=[{"dataset_version": unchecked, "role": "train"}]))
    assert set(refused.value.message_dict) == {"datasets"}
    assert "SHA-256" in refused.value.message_dict["datasets"][0]


def test_granular_version_pinning_everything_is_registered(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    data = DatasetVersionFactory(sha256="c" * 64)
    version = versions.model_version_register(
        model=model, actor=platform_admin, reason="CI", data=base_data(
            code_commit="abc", environment_digest=DIGEST,
            datasets=[{"dataset_version": data, "role": "train"}]))
    assert version.version == 1 and version.environment_digest == DIGEST


def test_monolithic_needs_only_the_bundle_with_its_checksum(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.MONOLITHIC)
    with pytest.raises(ValidationError) as refused:
        versions.model_version_register(model=model, actor=platform_admin, reason="CI",
                                        data=base_data(artifact_sha256=""))
    assert set(refused.value.message_dict) == {"artifact_sha256"}
    assert versions.model_version_register(model=model, actor=platform_admin, reason="CI",
                                           data=base_data()).version == 1


def test_a_draft_may_be_incomplete_but_is_checked_when_submitted(platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    draft = versions.model_version_register(model=model, actor=platform_admin, reason="WIP",
                                            data=base_data(stage=ModelStage.DRAFT))
    with pytest.raises(ValidationError) as refused:
        versions.model_version_transition(version=draft, to_stage=ModelStage.REGISTERED,
                                          actor=platform_admin, reason="Submit")
    assert set(refused.value.message_dict) >= GRANULAR_FIELDS
    draft.refresh_from_db()
    assert draft.stage == ModelStage.DRAFT


def test_promotion_refused_until_the_version_pins_its_parts(validator):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, environment_digest="")
    with pytest.raises(ValidationError) as refused:
        versions.model_version_transition(version=version, to_stage=ModelStage.VALIDATED,
                                          actor=validator, reason="Validated")
    errors = refused.value.message_dict
    assert {"datasets", "environment_digest", "to_stage"} <= set(errors)
    assert "code_commit" not in errors
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED and version.history.count() == 1
    pinned = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    moved = versions.model_version_transition(version=pinned, to_stage=ModelStage.VALIDATED,
                                              actor=validator, reason="Validated")
    assert moved.stage == ModelStage.VALIDATED


def test_moving_back_or_to_the_archive_needs_no_pins(validator, platform_admin):
    version = ModelVersionFactory(stage=ModelStage.VALIDATED, environment_digest="")
    versions.model_version_transition(version=version, to_stage=ModelStage.REGISTERED,
                                      actor=validator, reason="Validation revoked")
    versions.model_version_transition(version=version, to_stage=ModelStage.ARCHIVED,
                                      actor=platform_admin, reason="Abandoned")


# --------------------------------------------------------------------------------------
# One thin test per door
# --------------------------------------------------------------------------------------
def test_api_registration_refusal_names_the_fields(api_client_for, platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    response = api_client_for(platform_admin).post(
        reverse("inventory-api:modelversion-list"), api_body(model), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) >= GRANULAR_FIELDS
    assert not ModelVersion.objects.filter(model=model).exists()


def test_api_transition_refusal_names_the_fields(api_client_for, validator):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, environment_digest="")
    response = api_client_for(validator).post(
        reverse("inventory-api:modelversion-transition", args=[version.pk]),
        {"to_stage": "validated", "change_reason": "Checked"}, format="json")
    assert response.status_code == 400
    assert {"datasets", "environment_digest"} <= set(response.json()["error"]["fields"])


def test_cicd_registration_refusal_names_the_fields(api_client_for, platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.MONOLITHIC)
    response = api_client_for(platform_admin).post(
        reverse("inventory-api:cicd-model-version-register"),
        api_body(model, artifact_uri=""), format="json")
    assert response.status_code == 400, response.content
    assert "artifact_uri" in response.json()["error"]["fields"]
    assert not ModelVersion.objects.filter(model=model).exists()


def test_cicd_promotion_refusal_names_the_fields(api_client_for, validator):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, environment_digest="")
    response = api_client_for(validator).post(
        reverse("inventory-api:cicd-promotion", args=[version.pk]),
        {"to_stage": "validated", "reason": "Checked"}, format="json")
    assert response.status_code == 400, response.content
    assert "environment_digest" in response.json()["error"]["fields"]


def test_admin_registration_refusal_is_a_field_error(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    client.force_login(platform_admin)
    response = client.post(reverse("admin:inventory_modelversion_add"), {
        "model": model.pk, "artifact_uri": "s3://m/1", "artifact_sha256": SHA,
        "training_date": "2026-03-01", "input_schema": '{"type": "object"}',
        "output_schema": '{"type": "object"}', "evaluation_metrics": '{"auc": 0.8}',
        "training_environment": "py", "inference_requirements": "cpu",
        "code_commit_signed": "unknown", "change_reason": "Trained"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert {"code_commit", "environment_digest"} <= set(form.errors)
    assert any("pins its data" in e for e in form.non_field_errors() + form.errors.get(
        "datasets", []))
    assert not ModelVersion.objects.filter(model=model).exists()


def test_admin_promotion_refusal_is_a_field_error(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, environment_digest="")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:inventory_modelversion_change", args=[version.pk]), {
        "description": "", "artifact_uri": version.artifact_uri,
        "artifact_sha256": version.artifact_sha256, "training_date": "2026-01-15",
        "input_schema": '{"type": "object"}', "output_schema": '{"type": "object"}',
        "evaluation_metrics": '{"auc": 0.8}', "training_environment": "py",
        "inference_requirements": "cpu", "code_commit": "abc",
        "code_commit_signed": "unknown", "environment_digest": "", "to_stage": "validated",
        "change_reason": "Validated"})
    assert response.status_code == 200
    assert "environment_digest" in response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED


def test_dashboard_transition_refusal_names_the_fields(client, platform_admin):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, environment_digest="")
    client.force_login(platform_admin)
    response = client.post(reverse("inventory:modelversion_transition", args=[version.pk]),
                           {"to_stage": "validated", "change_reason": "Validated"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Environment digest:" in page and "Datasets:" in page
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED


def test_dashboard_transition_is_refused_to_a_user_without_permission(client, data_scientist):
    version = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    client.force_login(data_scientist)
    response = client.post(reverse("inventory:modelversion_transition", args=[version.pk]),
                           {"to_stage": "validated", "change_reason": "Validated"})
    assert response.status_code in (200, 403, 404)
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED


# --------------------------------------------------------------------------------------
# The version page
# --------------------------------------------------------------------------------------
def test_version_page_shows_what_is_pinned_and_what_is_missing(client, platform_admin):
    model = MLModelFactory(versioning_strategy=VersioningStrategy.GRANULAR)
    PinnedModelVersionFactory(model=model)
    ModelVersionFactory(model=model, environment_digest="")
    client.force_login(platform_admin)
    page = client.get(reverse("inventory:mlmodel_detail", args=[model.pk])).content.decode()
    assert 'data-testid="pins-complete"' in page
    assert 'data-testid="missing-pins"' in page
    assert "<code>environment_digest</code>" in page
    assert DIGEST[:15] in page  # the environment's digest in the components table
