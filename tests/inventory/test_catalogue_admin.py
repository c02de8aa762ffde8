"""The admin door of the catalogue: same validation, same permissions, services for writes."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.choices import AssetClassification, ModelStage
from inventory.models import AccountingPolicyRule, MLModel, ModelVersion
from inventory.services.standards import registration_problems
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
ADD = reverse("admin:inventory_mlmodel_add")
CHANGELIST = reverse("admin:inventory_mlmodel_changelist")


def form_data(user, team, **overrides) -> dict:
    data = {
        "name": "credit-default-xgb", "purpose": "Predicts default.", "description": "",
        "domain": "credit", "purpose_category": "internal_operations", "tags": "scoring, batch",
        "tracked_artefacts": '["model"]', "owner": user.pk, "steward": user.pk, "team": team.pk,
        "origin": "internal", "supplier": "", "source_url": "",
        "licence": "", "permitted_uses": "", "redistribution": "not_applicable",
        "redistribution_terms": "", "attribution": "", "development_cost": "",
        "training_date": "2026-02-01", "input_schema": json.dumps(VALID_INPUT_SCHEMA),
        "output_schema": json.dumps(VALID_OUTPUT_SCHEMA), "evaluation_metrics": '{"auc": 0.8}',
        "training_environment": "python 3.11", "inference_requirements": "1 vCPU",
        "change_reason": "Registered for the Q1 audit",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def team(data_scientist):
    return TeamFactory(slug="credit-risk", name="Credit risk", members=[data_scientist])


def test_add_form_refuses_with_the_service_messages_and_writes_nothing(client, data_scientist,
                                                                       team):
    client.force_login(data_scientist)
    before = (MLModel.objects.count(), MLModel.history.count())
    response = client.post(ADD, form_data(data_scientist, team, name="Credit Default XGB",
                                          purpose="", licence="Apache 2",
                                          input_schema='{"type": 7}', owner=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    expected = registration_problems(asset_type="mlmodel", data={
        "name": "Credit Default XGB", "purpose": "", "licence": "Apache 2", "domain": "credit",
        "input_schema": {"type": 7}, "owner": None, "team": team,
        "training_date": "2026-02-01", "evaluation_metrics": {"auc": 0.8},
        "training_environment": "python 3.11", "inference_requirements": "1 vCPU"},
        model_validation=False)
    for field in ("name", "purpose", "licence", "input_schema", "owner"):
        assert errors[field] == expected[field], field
    assert (MLModel.objects.count(), MLModel.history.count()) == before


def test_add_form_registers_through_the_service(client, data_scientist, team):
    client.force_login(data_scientist)
    response = client.post(ADD, form_data(data_scientist, team))
    assert response.status_code == 302, response.context["adminform"].form.errors
    model = MLModel.objects.get(name="credit-default-xgb")
    record = model.history.get()
    assert (record.history_user, record.history_change_reason) == (
        data_scientist, "Registered for the Q1 audit")
    assert sorted(model.tags.values_list("name", flat=True)) == ["batch", "scoring"]
    assert model.classification == AssetClassification.DIGITAL_INVENTORY
    # The creator may now edit it in the admin (object grant).
    assert client.get(reverse("admin:inventory_mlmodel_change", args=[model.pk])).status_code == 200


def test_other_teams_confidential_model_is_invisible_in_the_admin(client, data_scientist, team):
    other = TeamFactory(slug="fraud", name="Fraud")
    hidden = MLModelFactory(name="fraud-secret-gbm", team=other, confidential=True)
    MLModelFactory(name="credit-own-gbm", team=team, confidential=True)
    client.force_login(data_scientist)
    page = client.get(CHANGELIST).content.decode()
    assert "credit-own-gbm" in page and "fraud-secret-gbm" not in page
    assert "fraud-secret-gbm" not in client.get(CHANGELIST, {"q": "fraud"}).content.decode()
    assert client.get(reverse("admin:inventory_mlmodel_change", args=[hidden.pk])).status_code == 404
    history = client.get(reverse("admin:inventory_mlmodel_history", args=[hidden.pk]))
    assert history.status_code in (403, 404)


def test_delete_of_a_model_ever_in_production_is_refused_in_the_admin(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    model = MLModelFactory(name="credit-live-xgb", stage=ModelStage.PRODUCTION)
    client.force_login(platform_admin)
    response = client.post(reverse("admin:inventory_mlmodel_delete", args=[model.pk]),
                           {"post": "yes"}, follow=True)
    assert MLModel.objects.filter(pk=model.pk).exists()
    assert "can never be deleted" in response.content.decode()


def test_version_is_registered_with_the_next_number(client, data_scientist, team):
    client.force_login(data_scientist)
    client.post(ADD, form_data(data_scientist, team))
    model = MLModel.objects.get()
    ModelVersionFactory(model=model)  # version 1
    response = client.post(reverse("admin:inventory_modelversion_add"), {
        "model": model.pk, "description": "", "artifact_uri": "s3://m/2",
        "artifact_sha256": "a" * 64, "artifact_size": "", "training_date": "2026-03-01",
        "input_schema": json.dumps(VALID_INPUT_SCHEMA),
        "output_schema": json.dumps(VALID_OUTPUT_SCHEMA),
        "evaluation_metrics": '{"auc": 0.85}', "training_environment": "py",
        "inference_requirements": "cpu", "code_repository": "", "code_commit": "a" * 40,
        "environment_digest": "sha256:" + "e" * 64,
        "datasets": [DatasetVersionFactory(sha256="d" * 64).pk], "change_reason": "Retrained"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    version = ModelVersion.objects.get(model=model, version=2)
    assert version.created_by == data_scientist
    assert version.history.get().history_change_reason == "Retrained"


def test_reclassify_action(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    model = MLModelFactory(name="credit-default-xgb", classification="")
    AccountingPolicyRule.objects.create(priority=1, name="All IP", rationale="Policy 2027.",
                                        classification=AssetClassification.INTELLECTUAL_PROPERTY)
    client.force_login(platform_admin)
    client.post(CHANGELIST, {"action": "reclassify", "_selected_action": [model.pk]})
    model.refresh_from_db()
    assert model.classification == AssetClassification.INTELLECTUAL_PROPERTY


def test_changelist_query_count_is_constant(client, data_scientist, team):
    client.force_login(data_scientist)

    def count() -> int:
        client.get(CHANGELIST)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        return len(queries)

    for _ in range(10):
        MLModelFactory(team=team, confidential=True, tags=["a"])
    at_10 = count()
    for _ in range(20):
        MLModelFactory(team=team, confidential=True, tags=["a"])
    assert count() == at_10


def test_changelist_query_count_is_constant_with_object_grants_only(client):
    from guardian.shortcuts import assign_perm

    from tests.factories import UserFactory

    user = UserFactory(username="grants-only", is_staff=True)
    client.force_login(user)

    def make(n: int) -> None:
        for _ in range(n):
            assign_perm("view_mlmodel", user, MLModelFactory(confidential=True, tags=["a"]))

    def count() -> int:
        client.get(CHANGELIST)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(CHANGELIST)
        assert page.status_code == 200
        return len(queries)

    make(10)
    at_10 = count()
    make(20)
    assert count() == at_10
    assert client.get(CHANGELIST).context["cl"].result_count == 30


@pytest.mark.parametrize("name", ["mlmodel", "modelversion", "dataset", "datasetversion", "feature",
                                  "pipeline", "team", "compliancetag", "tag", "metadatastandard",
                                  "namingconvention", "inventoryscope", "accountingpolicyrule"])
def test_admin_pages_render(client, platform_admin, name):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin_user)
    MLModelFactory(name="credit-default-xgb", tags=["a"])
    ModelVersionFactory(model=MLModel.objects.get())
    assert client.get(reverse(f"admin:inventory_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:inventory_{name}_add")).status_code == 200
    model = MLModel.objects.get()
    assert client.get(reverse("admin:inventory_mlmodel_change", args=[model.pk])).status_code == 200


def test_feature_changelist_does_not_name_a_hidden_dataset(client, data_scientist, team):
    from tests.factories.catalogue import DatasetFactory, FeatureFactory

    hidden = DatasetFactory(name="bravo-secret-data", team=TeamFactory(slug="b", name="B"),
                            confidential=True)
    FeatureFactory(name="credit-ratio-one", dataset=hidden, team=team)
    client.force_login(data_scientist)
    page = client.get(reverse("admin:inventory_feature_changelist")).content.decode()
    assert "credit-ratio-one" in page and "bravo-secret-data" not in page
