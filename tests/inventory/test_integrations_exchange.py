"""Export/import of the inventory: round-trip safe, all or nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from inventory.choices import Sensitivity
from inventory.models import Dataset, Feature, MLModel, Pipeline
from inventory.services import integrations
from tests.factories.catalogue import (
    ComplianceTagFactory,
    DatasetFactory,
    FeatureFactory,
    MLModelFactory,
    PipelineFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

REASON = "CMDB sync 2026-11"


@pytest.fixture
def inventory(platform_admin):
    team = TeamFactory(slug="credit-risk", name="Credit risk")
    ComplianceTagFactory(name="sr-11-7")
    model = MLModelFactory(name="credit-default-xgb", team=team, tags=["credit", "xgb"],
                           compliance_tags=["sr-11-7"], licence="Apache-2.0",
                           development_cost="12000.50")
    dataset = DatasetFactory(name="credit-applications", team=team,
                             sensitivity=Sensitivity.PII, known_biases="Urban skew")
    FeatureFactory(name="credit-debt-ratio", team=team, dataset=dataset)
    PipelineFactory(name="credit-training", team=team)
    return model


def complete_model(name: str, **fields) -> dict:
    """A row meeting the metadata standard for a new model (at the default tier, high)."""
    return {"name": name, "purpose": "Flags card fraud.", "owner": "asset-owner",
            "steward": "asset-owner",
            "team": "credit-risk", "domain": "fraud", "tags": ["fraud"],
            "description": "Gradient boosting.", "tracked_artefacts": ["model"],
            "training_date": "2026-09-01", "input_schema": {"type": "object"},
            "output_schema": {"type": "object"}, "evaluation_metrics": {"auc": 0.9},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU", **fields}


def history_rows() -> int:
    return sum(m.history.count() for m in (MLModel, Dataset, Feature, Pipeline))


def test_json_export_import_round_trip_changes_nothing(inventory, platform_admin):
    document = integrations.inventory_export(user=platform_admin)
    assert document["schema"] == "custodia.inventory/v1"
    row = document["models"][0]
    assert (row["name"], row["team"], row["tags"], row["compliance_tags"], row["owner"]) == (
        "credit-default-xgb", "credit-risk", ["credit", "xgb"], ["sr-11-7"], "asset-owner")
    assert document["features"][0]["dataset"] == "credit-applications"
    before = history_rows()

    report = integrations.inventory_import(document=json.loads(json.dumps(document)),
                                       actor=platform_admin, reason=REASON)

    assert report.errors == [] and report.created == [] and report.updated == []
    assert report.unchanged == 4
    assert history_rows() == before, "a round trip writes no history"


def test_csv_round_trip_changes_nothing(inventory, platform_admin):
    before = history_rows()
    for section in integrations.SECTIONS:
        text = integrations.inventory_export_csv(user=platform_admin, section=section)
        rows = integrations.parse_csv(text)
        report = integrations.inventory_import(document={section: rows}, actor=platform_admin,
                                           reason=REASON)
        assert report.errors == [] and report.unchanged == len(rows), (section, report.as_dict())
    assert history_rows() == before


def test_import_creates_and_updates_through_the_services(inventory, platform_admin):
    document = {"schema": "custodia.inventory/v1", "models": [
        {"name": "credit-default-xgb", "purpose": "Scores applications (v2 wording)."},
        complete_model("fraud-card-gbm"),
    ]}

    report = integrations.inventory_import(document=document, actor=platform_admin, reason=REASON)

    assert report.errors == [], report.errors
    assert [r["name"] for r in report.created] == ["fraud-card-gbm"]
    assert report.updated[0]["fields"] == ["purpose"]
    created = MLModel.objects.get(name="fraud-card-gbm")
    assert created.history.first().history_change_reason == REASON
    assert created.history.first().history_user == platform_admin
    inventory.refresh_from_db()
    assert inventory.purpose == "Scores applications (v2 wording)."


def test_a_bad_row_writes_nothing_and_each_row_error_is_listed(inventory, platform_admin):
    before = (MLModel.objects.count(), history_rows())
    document = {"models": [
        complete_model("fraud-good-one"),
        {"name": "credit-default-xgb", "owner": "nobody-by-that-name"},
        {"name": "", "purpose": "no name"},
        {"name": "fraud-bad-types", "confidential": "perhaps", "training_date": "yesterday",
         "colour": "blue"},
        {"name": "Not A Valid Name!"},
    ]}

    report = integrations.inventory_import(document=document, actor=platform_admin, reason=REASON)

    assert not report.written
    rows = {e["row"]: e["errors"] for e in report.errors}
    assert set(rows) == {2, 3, 4, 5}
    assert rows[2] == {"owner": ["Expected no user “nobody-by-that-name”."]}
    assert "name" in rows[3]
    assert {"confidential", "training_date", "colour"} <= set(rows[4])
    assert "name" in rows[5], rows[5]
    assert (MLModel.objects.count(), history_rows()) == before
    assert not MLModel.objects.filter(name="fraud-good-one").exists()


def test_dry_run_reports_and_rolls_back(inventory, platform_admin):
    report = integrations.inventory_import(
        document={"pipelines": [{"name": "fraud-model-training", "purpose": "Trains fraud models.",
                                 "team": "credit-risk", "owner": "asset-owner",
                                 "repository_url": "https://git.example.org/fraud",
                                 "description": "Nightly.", "tracked_artefacts": ["pipeline_code"]}]},
        actor=platform_admin, reason=REASON, dry_run=True)
    assert report.errors == [] and [r["name"] for r in report.created] == ["fraud-model-training"], (
        report.errors)
    assert not report.written
    assert not Pipeline.objects.filter(name="fraud-model-training").exists()


def test_hidden_datasheet_is_not_exported_and_not_wiped_on_import(inventory, data_scientist):
    document = integrations.inventory_export(user=data_scientist, sections=["datasets"])
    assert "known_biases" not in document["datasets"][0]
    text = integrations.inventory_export_csv(user=data_scientist, section="datasets")
    assert integrations.HIDDEN in text
    report = integrations.inventory_import(document={"datasets": integrations.parse_csv(text)},
                                       actor=None, reason=REASON)
    assert report.errors == [] and report.unchanged == 1
    assert Dataset.objects.get().known_biases == "Urban skew"


def test_export_shows_only_what_the_user_may_see(inventory, data_scientist):
    MLModelFactory(name="secret-model", confidential=True)
    names = [r["name"] for r in integrations.inventory_export(
        user=data_scientist, sections=["models"])["models"]]
    assert names == ["credit-default-xgb"]


def test_import_refuses_rows_the_user_may_not_write(inventory, auditor):
    report = integrations.inventory_import(
        document={"models": [{"name": "credit-default-xgb", "purpose": "Changed"}]},
        actor=auditor, reason=REASON)
    assert report.errors[0]["errors"] == {"row": ["You may not change “credit-default-xgb”."]}


@pytest.mark.parametrize("document, field", [
    ({"schema": "other/v9", "models": []}, "schema"),
    ({"gadgets": []}, "section"),
    ({"models": {"name": "x"}}, "models"),
])
def test_malformed_documents_are_refused(document, field, platform_admin):
    with pytest.raises(ValidationError) as refused:
        integrations.inventory_import(document=document, actor=platform_admin, reason=REASON)
    assert field in refused.value.message_dict


def test_csv_that_is_not_csv():
    with pytest.raises(ValidationError):
        integrations.parse_csv("")


def test_model_versions_round_trip_and_import_rules(inventory, platform_admin):
    from inventory.choices import ModelStage
    from inventory.models import ModelVersion
    from tests.factories.catalogue import ModelVersionFactory

    # Monolithic: imported rows pin their bundle (artefact and SHA-256).
    inventory.versioning_strategy = "monolithic"
    inventory.save()
    ModelVersionFactory(model=inventory, stage=ModelStage.PRODUCTION, artifact_size=2048)
    ModelVersionFactory(model=inventory, stage=ModelStage.STAGING)
    document = integrations.inventory_export(user=platform_admin, sections=["model_versions"])
    rows = document["model_versions"]
    assert [(r["model"], r["version"], r["stage"]) for r in rows] == [
        ("credit-default-xgb", 1, "production"), ("credit-default-xgb", 2, "staging")]
    history = ModelVersion.history.count()

    report = integrations.inventory_import(document=json.loads(json.dumps(document)),
                                       actor=platform_admin, reason=REASON)
    assert (report.errors, report.unchanged) == ([], 2)
    text = integrations.inventory_export_csv(user=platform_admin, section="model_versions")
    report = integrations.inventory_import(document={"model_versions": integrations.parse_csv(text)},
                                       actor=platform_admin, reason=REASON)
    assert (report.errors, report.unchanged) == ([], 2)
    assert ModelVersion.history.count() == history

    new = {**rows[1], "version": 3, "artifact_uri": "s3://models/credit/3"}
    report = integrations.inventory_import(document={"model_versions": [
        {**rows[0], "artifact_uri": "s3://elsewhere"},           # frozen: refused
        {**rows[1], "description": "Candidate for Q1"},           # staging: updated
        {**new, "version": 5},                                    # not the next number
        new,                                                      # the next number
    ]}, actor=platform_admin, reason=REASON)
    rows_in_error = {e["row"]: e["errors"] for e in report.errors}
    assert set(rows_in_error) == {1, 3}
    assert "frozen" in rows_in_error[1]["row"][0]
    assert "next version" in rows_in_error[3]["version"][0]
    assert ModelVersion.objects.count() == 2, "all or nothing"

    report = integrations.inventory_import(document={"model_versions": [
        {**rows[1], "description": "Candidate for Q1"}, new]}, actor=platform_admin,
        reason=REASON)
    assert report.errors == [] and [r["id"] for r in report.created]
    assert report.updated[0]["fields"] == ["description"]
    assert ModelVersion.objects.get(model=inventory, version=3).artifact_uri == (
        "s3://models/credit/3")
