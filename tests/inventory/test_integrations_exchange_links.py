"""Exchange of branches, dataset links and deployments: round trip in JSON and CSV, rows
named by natural keys, bad rows named (section, row, field), all or nothing, frozen links."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from inventory.choices import DatasetRole, DeploymentStatus, ModelStage, Sensitivity
from inventory.models import Deployment, ModelBranch, ModelVersion, ModelVersionDataset
from inventory.services import integrations
from inventory.services.versions import model_version_datasets_link
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.versions import ModelBranchFactory

pytestmark = pytest.mark.django_db

REASON = "CMDB sync 2026-11"
SECTIONS = ["branches", "dataset_links", "deployments"]
WHEN = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def registry(platform_admin):
    """credit-default-xgb v1 (production, with a training link) and v2 (staging), a branch
    from v1, a deployment of v1; a dataset with two versions."""
    model = MLModelFactory(name="credit-default-xgb")
    v1 = ModelVersionFactory(model=model, stage=ModelStage.STAGING)
    v2 = ModelVersionFactory(model=model, stage=ModelStage.STAGING)
    dataset = DatasetFactory(name="credit-applications")
    d1 = DatasetVersionFactory(dataset=dataset, sha256="c" * 64)
    DatasetVersionFactory(dataset=dataset, sha256="d" * 64)
    model_version_datasets_link(version=v1, actor=platform_admin, reason=REASON,
                                links=[{"dataset_version": d1, "role": DatasetRole.TRAIN}])
    ModelVersion._base_manager.filter(pk=v1.pk).update(stage=ModelStage.PRODUCTION)
    ModelBranchFactory(model=model, parent_version=v1, name="exp/deeper-trees",
                       description="Deeper trees.")
    DeploymentFactory(model_version=v1, environment="production", region="eu-west-1",
                      segment="retail", deployed_at=WHEN)
    return {"model": model, "v1": v1, "v2": v2, "dataset": dataset}


def counts() -> tuple[int, ...]:
    return (ModelBranch.objects.count(), ModelBranch.history.count(),
            ModelVersionDataset.objects.count(), ModelVersionDataset.history.count(),
            Deployment.objects.count(), Deployment.history.count())


def test_export_names_records_by_natural_keys(registry, platform_admin):
    document = integrations.inventory_export(user=platform_admin, sections=SECTIONS)
    assert document["branches"] == [{
        "model": "credit-default-xgb", "name": "exp/deeper-trees", "kind": "experiment",
        "parent_version": 1, "drift_scenario": "", "description": "Deeper trees."}]
    assert document["dataset_links"] == [{
        "model": "credit-default-xgb", "version": 1, "dataset": "credit-applications",
        "dataset_version": 1, "role": "train", "checksum_at_link": "c" * 64}]
    assert document["deployments"] == [{
        "model": "credit-default-xgb", "version": 1, "environment": "production",
        "region": "eu-west-1", "segment": "retail", "endpoint": "https://scoring.internal/v1",
        "status": "active", "deployed_at": "2026-11-02T09:30:00+00:00"}]


def test_json_and_csv_round_trips_change_nothing(registry, platform_admin):
    before = counts()
    document = json.loads(json.dumps(
        integrations.inventory_export(user=platform_admin, sections=SECTIONS)))
    report = integrations.inventory_import(document=document, actor=platform_admin,
                                           reason=REASON)
    assert (report.errors, report.created, report.updated, report.unchanged) == ([], [], [], 3)
    for section in SECTIONS:
        text = integrations.inventory_export_csv(user=platform_admin, section=section)
        rows = integrations.parse_csv(text)
        report = integrations.inventory_import(document={section: rows}, actor=platform_admin,
                                               reason=REASON)
        assert (report.errors, report.unchanged) == ([], 1), (section, report.as_dict())
    assert counts() == before


def test_import_creates_and_updates_through_the_services(registry, platform_admin):
    report = integrations.inventory_import(document={
        "branches": [
            {"model": "credit-default-xgb", "name": "exp/deeper-trees",
             "parent_version": 1, "description": "Depth 12."},
            {"model": "Credit-Default-XGB", "name": "drift-test/recession", "parent_version": "2",
             "drift_scenario": "Income shifted -15%."}],
        "dataset_links": [
            {"model": "credit-default-xgb", "version": "2", "dataset": "credit-applications",
             "dataset_version": "2", "role": "validation", "checksum_at_link": "d" * 64}],
        "deployments": [
            {"model": "credit-default-xgb", "version": 1, "environment": "production",
             "region": "eu-west-1", "segment": "retail", "status": "stopped"},
            {"model": "credit-default-xgb", "version": 2, "environment": "staging",
             "region": "eu-west-1", "segment": "", "endpoint": "https://staging.internal/v1",
             "deployed_at": "2026-11-03T08:00:00+00:00"}],
    }, actor=platform_admin, reason=REASON)

    assert report.errors == [], report.errors
    assert sorted((r["section"], r["row"]) for r in report.created) == [
        ("branches", 2), ("dataset_links", 1), ("deployments", 2)]
    assert sorted((r["section"], r["fields"]) for r in report.updated) == [
        ("branches", ["description"]), ("deployments", ["status"])]
    branch = ModelBranch.objects.get(name="drift-test/recession")
    assert (branch.parent_version, branch.kind) == (registry["v2"], "drift_test")
    assert branch.history.first().history_change_reason == REASON
    link = ModelVersionDataset.objects.get(model_version=registry["v2"])
    assert (link.role, link.checksum_at_link) == ("validation", "d" * 64)
    assert Deployment.objects.get(model_version=registry["v1"]).status == DeploymentStatus.STOPPED
    staged = Deployment.objects.get(model_version=registry["v2"])
    assert (staged.endpoint, staged.deployed_at) == (
        "https://staging.internal/v1", datetime.datetime(2026, 11, 3, 8, tzinfo=datetime.UTC))


def test_bad_rows_are_named_by_section_row_and_field_and_nothing_is_written(
        registry, platform_admin):
    before = counts()
    good_branch = {"model": "credit-default-xgb", "name": "exp/new", "parent_version": 2}
    report = integrations.inventory_import(document={
        "branches": [
            good_branch,
            {"model": "no-such-model", "name": "exp/x", "parent_version": 1},
            {"model": "credit-default-xgb", "name": "exp/deeper-trees", "parent_version": 2},
            {"model": "credit-default-xgb", "name": "exp/y", "parent_version": 9},
            {"model": "credit-default-xgb", "name": "Not valid!", "parent_version": 1},
        ],
        "dataset_links": [
            {"model": "credit-default-xgb", "version": "two", "dataset": "credit-applications",
             "dataset_version": 1, "role": "train"},
            {"model": "credit-default-xgb", "version": 2, "dataset": "credit-applications",
             "dataset_version": 7, "role": "train"},
            {"model": "credit-default-xgb", "version": 2, "dataset": "credit-applications",
             "dataset_version": 1, "role": "tuning"},
            {"model": "credit-default-xgb", "version": 2, "dataset": "credit-applications",
             "dataset_version": 1, "role": "train", "checksum_at_link": "e" * 64},
            {"model": "credit-default-xgb", "version": 1, "dataset": "credit-applications",
             "dataset_version": 1, "role": "train", "checksum_at_link": "e" * 64},
        ],
        "deployments": [
            {"model": "credit-default-xgb", "version": 1, "environment": "moon"},
            {"model": "credit-default-xgb", "version": 1, "environment": "test",
             "deployed_at": "last tuesday"},
            {"model": "credit-default-xgb", "version": 1, "environment": "test",
             "endpoint": "ftp://x", "colour": "blue"},
            {"model": "credit-default-xgb", "version": 1, "environment": "test",
             "endpoint": "ftp://x"},
        ],
    }, actor=platform_admin, reason=REASON)

    assert not report.written
    errors = {(e["section"], e["row"]): sorted(e["errors"]) for e in report.errors}
    assert "name" in errors.pop(("branches", 5))
    assert errors == {
        ("branches", 2): ["model"], ("branches", 3): ["parent_version"],
        ("branches", 4): ["parent_version"],
        ("dataset_links", 1): ["version"], ("dataset_links", 2): ["dataset_version"],
        ("dataset_links", 3): ["role"], ("dataset_links", 4): ["checksum_at_link"],
        ("dataset_links", 5): ["checksum_at_link"],
        ("deployments", 1): ["environment"], ("deployments", 2): ["deployed_at"],
        ("deployments", 3): ["colour"], ("deployments", 4): ["endpoint"],
    }, report.errors
    assert counts() == before
    assert not ModelBranch.objects.filter(name="exp/new").exists()


def test_a_frozen_versions_links_cannot_change_by_import(registry, platform_admin):
    before = counts()
    report = integrations.inventory_import(document={"dataset_links": [
        {"model": "credit-default-xgb", "version": 1, "dataset": "credit-applications",
         "dataset_version": 2, "role": "test"}]}, actor=platform_admin, reason=REASON)
    assert [(e["row"], list(e["errors"])) for e in report.errors] == [(1, ["version"])]
    assert "frozen" in report.errors[0]["errors"]["version"][0]
    assert counts() == before


def test_export_leaves_out_what_the_user_may_not_see(registry, data_scientist):
    secret = MLModelFactory(name="secret-model", confidential=True)
    DeploymentFactory(model_version=ModelVersionFactory(model=secret))
    hidden = DatasetFactory(name="hidden-salaries", sensitivity=Sensitivity.PII,
                            confidential=True)
    model_version_datasets_link(version=registry["v2"], actor=None, reason=REASON, links=[
        {"dataset_version": DatasetVersionFactory(dataset=hidden), "role": "train"}])
    document = integrations.inventory_export(user=data_scientist, sections=SECTIONS)
    assert {d["model"] for d in document["deployments"]} == {"credit-default-xgb"}
    assert {link["dataset"] for link in document["dataset_links"]} == {"credit-applications"}


def test_import_refuses_rows_the_user_may_not_write(registry, auditor):
    before = counts()
    report = integrations.inventory_import(document={
        "branches": [{"model": "credit-default-xgb", "name": "exp/deeper-trees",
                      "parent_version": 1, "description": "Changed."}],
        "deployments": [{"model": "credit-default-xgb", "version": 1,
                         "environment": "test"}]}, actor=auditor, reason=REASON)
    assert [(e["section"], list(e["errors"])) for e in report.errors] == [
        ("branches", ["row"]), ("deployments", ["row"])]
    assert counts() == before


def test_csv_import_over_the_api(registry, platform_admin, api_client_for):
    client = api_client_for(platform_admin)
    export = reverse("inventory-api:exchange-export")
    text = client.get(export, {"section": "deployments", "format": "csv"}).content.decode()
    assert text.splitlines()[0] == ("model,version,environment,region,segment,endpoint,"
                                    "status,deployed_at")
    changed = text.replace(",active,", ",stopped,")
    response = client.post(reverse("inventory-api:exchange-import") + "?section=deployments",
                           changed, content_type="text/csv")
    assert response.status_code == 200, response.json()
    assert response.json()["updated"][0]["fields"] == ["status"]
    bad = changed.replace("production,eu-west-1", "moon,eu-west-1")
    response = client.post(reverse("inventory-api:exchange-import") + "?section=deployments",
                           bad, content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["errors"][0]["errors"] == {"environment": [
        "Choose from development, test, staging, production."]}
