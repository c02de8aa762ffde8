"""The admin doors of versions and branches: lifecycle moves as form errors, frozen versions read-only,
branches and aliases through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import ModelStage
from inventory.models import AliasMove, ModelAlias
from tests.factories.catalogue import PinnedModelVersionFactory

pytestmark = pytest.mark.django_db


def change_url(version) -> str:
    return reverse("admin:inventory_modelversion_change", args=[version.pk])


def version_form(version, **overrides) -> dict:
    data = {"description": version.description, "artifact_uri": version.artifact_uri,
            "artifact_sha256": version.artifact_sha256, "artifact_size": "",
            "training_date": "2026-01-15", "input_schema": '{"type": "object"}',
            "output_schema": '{"type": "object"}', "evaluation_metrics": '{"auc": 0.8}',
            "training_environment": "py", "inference_requirements": "cpu",
            "code_repository": "", "code_commit": "abc", "code_commit_signed": "unknown",
            "environment_uri": "", "environment_digest": version.environment_digest,
            "environment_size": "", "to_stage": "",
            "change_reason": ""}
    return {**data, **overrides}


def test_illegal_move_is_a_form_error_and_writes_nothing(client, platform_admin):
    version = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    client.force_login(platform_admin)
    response = client.post(change_url(version), version_form(
        version, to_stage="production", change_reason="skip"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "to_stage" in errors
    version.refresh_from_db()
    assert version.stage == ModelStage.REGISTERED and version.history.count() == 1


def test_legal_move_goes_through_the_lifecycle_service(client, platform_admin):
    version = PinnedModelVersionFactory(stage=ModelStage.REGISTERED)
    client.force_login(platform_admin)
    response = client.post(change_url(version), version_form(
        version, to_stage="validated", change_reason="Validation report VR-3"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.stage == ModelStage.VALIDATED
    row = version.history.latest("history_date")
    assert (row.history_user, row.history_change_reason) == (platform_admin,
                                                             "Validation report VR-3")


def test_frozen_version_is_read_only_and_a_forged_post_changes_nothing(client, platform_admin):
    version = PinnedModelVersionFactory(stage=ModelStage.PRODUCTION, artifact_uri="s3://m/1")
    client.force_login(platform_admin)
    page = client.get(change_url(version))
    form = page.context["adminform"].form
    assert "artifact_uri" not in form.fields and "artifact_sha256" not in form.fields
    response = client.post(change_url(version), version_form(
        version, artifact_uri="s3://elsewhere", artifact_sha256="f" * 64,
        to_stage="deprecated", change_reason="Replaced by v2"))
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.artifact_uri, version.artifact_sha256) == ("s3://m/1", "a" * 64)
    assert version.stage == ModelStage.DEPRECATED


def test_alias_moved_in_the_admin_is_logged(client, platform_admin):
    version = PinnedModelVersionFactory()
    client.force_login(platform_admin)
    response = client.post(reverse("admin:inventory_modelalias_add"), {
        "model": version.model_id, "name": "champion", "version": version.pk,
        "change_reason": "First champion"})
    assert response.status_code == 302
    alias = ModelAlias.objects.get()
    move = AliasMove.objects.get()
    assert (alias.version, move.to_version, move.reason, move.moved_by) == (
        version, version, "First champion", platform_admin)
    assert client.get(reverse("admin:inventory_aliasmove_changelist")).status_code == 200
    assert client.get(reverse("admin:inventory_modelbranch_changelist")).status_code == 200


def test_refused_alias_move_is_a_form_error_and_writes_nothing(client, data_scientist,
                                                               platform_admin):
    version = PinnedModelVersionFactory()
    client.force_login(platform_admin)
    response = client.post(reverse("admin:inventory_modelalias_add"), {
        "model": version.model_id, "name": "champion", "version": version.pk,
        "change_reason": ""})
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    other = PinnedModelVersionFactory()
    response = client.post(reverse("admin:inventory_modelalias_add"), {
        "model": version.model_id, "name": "challenger", "version": other.pk,
        "change_reason": "wrong model"})
    assert "version" in response.context["adminform"].form.errors
    assert not ModelAlias.objects.exists() and not AliasMove.objects.exists()
