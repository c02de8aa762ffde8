"""Catalogue services: each registration rule once, grants, history, deletion, versions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_perms

from core.exceptions import ConflictError
from inventory.choices import AssetClassification, ModelStage, Origin, Redistribution, RiskTier
from inventory.models import AccountingPolicyRule, MetadataStandard, MLModel, ModelVersion, NamingConvention
from inventory.selectors.catalogue import mlmodel_licence_constraints
from inventory.selectors.standards import asset_metadata_gaps, incomplete_assets, missing_metadata_q
from inventory.services import catalogue, versions
from inventory.services.standards import registration_problems, suggest_name
from inventory.validators import licence_problem, schema_problem
from tests.factories import UserFactory
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    ComplianceTagFactory,
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def model_data(**overrides) -> dict:
    """A complete registration of a medium-risk internal model."""
    data = {
        "name": "credit-default-xgb",
        "purpose": "Predicts the probability of default of credit applications.",
        "owner": UserFactory(username="owner-ana"),
        "team": TeamFactory(slug="credit-risk", name="Credit risk"),
        "domain": "credit",
        "risk_tier": RiskTier.MEDIUM,
        "training_date": datetime.date(2026, 2, 1),
        "input_schema": VALID_INPUT_SCHEMA,
        "evaluation_metrics": {"auc": 0.82},
        "training_environment": "python 3.11, xgboost 2.0",
        "inference_requirements": "1 vCPU, 2 GiB",
        "tags": ["Scoring", "batch"],
    }
    data.update(overrides)
    return data


def registration(**overrides) -> dict:
    """`model_data` as a data scientist registers it: no risk tier (a new model starts at
    `high`), so the high tier's steward and output schema too."""
    data = {**model_data(), "steward": UserFactory(username="steward-stan"),
            "output_schema": VALID_OUTPUT_SCHEMA}
    del data["risk_tier"]
    data.update(overrides)
    return data


def problems(**overrides) -> dict[str, list[str]]:
    return registration_problems(asset_type="mlmodel", data=model_data(**overrides))


# --------------------------------------------------------------------------------------
# Registration rules, each once
# --------------------------------------------------------------------------------------
def test_complete_registration_has_no_problem():
    assert problems() == {}


def test_name_breaking_the_convention_states_it_and_suggests_a_conforming_name():
    found = problems(name="Credit Default XGB")
    assert list(found) == ["name"]
    message = found["name"][0]
    assert "does not follow the naming convention" in message
    assert "domain-purpose-variant" in message
    assert "credit-default-xgb" in message


def test_suggestion_pads_short_names_with_domain_and_variant():
    assert suggest_name("Scorer", domain="credit") == "credit-scorer-v1"
    assert suggest_name("Credit Default XGB") == "credit-default-xgb"
    assert suggest_name("credit-default-xgb", taken={"credit-default-xgb"}) == "credit-default-xgb-2"


def test_reserved_word_is_refused():
    found = problems(name="credit-default-test")
    assert any("“test” is a reserved word" in m for m in found["name"])


def test_duplicate_name_is_refused_ignoring_case_and_a_free_name_is_suggested():
    MLModelFactory(name="credit-default-xgb")
    found = problems(name="Credit-Default-XGB")
    assert any("already exists (names are compared ignoring case)" in m for m in found["name"])
    assert any("credit-default-xgb-2" in m for m in found["name"])


def test_admin_configured_convention_is_enforced():
    NamingConvention.objects.filter(asset_type="mlmodel").update_or_create(
        asset_type="mlmodel", defaults={"pattern": r"^m_[a-z_]+$", "description": "m_ then snake case",
                                        "example": "m_credit", "reserved_words": []})
    found = problems(name="credit-default-xgb")
    assert "m_ then snake case" in found["name"][0]


def test_mandatory_fields_are_listed_field_by_field():
    found = problems(purpose="", training_date=None, input_schema=None, evaluation_metrics={},
                     training_environment="", inference_requirements="", team=None)
    assert set(found) == {"purpose", "team", "training_date", "input_schema",
                          "evaluation_metrics", "training_environment", "inference_requirements"}
    assert found["purpose"] == ["Required by the metadata standard for models."]


def test_high_risk_tier_requires_more():
    assert problems(risk_tier=RiskTier.HIGH) == {
        "output_schema": ["Required by the metadata standard for high-risk models."],
        "steward": ["Required by the metadata standard for high-risk models."],
    }
    complete = problems(risk_tier=RiskTier.HIGH, steward=UserFactory(username="steward-sam"),
                        output_schema={"type": "object"})
    assert complete == {}


def test_standard_edited_in_the_admin_applies():
    MetadataStandard.objects.filter(asset_type="mlmodel", risk_tier="").update_or_create(
        asset_type="mlmodel", risk_tier="", defaults={"required_fields": ["purpose", "supplier"]})
    assert problems() == {"supplier": ["Required by the metadata standard for models."]}


def test_invalid_json_schema_is_refused():
    found = problems(input_schema={"type": "objekt"})
    assert found["input_schema"][0].startswith("Not a valid JSON Schema:")
    assert schema_problem("not a schema").startswith("Not a JSON Schema document")
    assert schema_problem(VALID_INPUT_SCHEMA) is None


def test_invalid_spdx_licence_is_refused_and_expressions_accepted():
    found = problems(licence="Apache 2")
    assert "is not a valid SPDX licence identifier or expression" in found["licence"][0]
    assert licence_problem("Apache-2.0 OR MIT") is None
    assert licence_problem("LicenseRef-Acme-Enterprise") is None
    assert licence_problem("GPL-2.0-only WITH Classpath-exception-2.0") is None


@pytest.mark.parametrize("malformed", ["(", "MIT AND", "MIT)", '"MIT"', "OR", "MIT WITH"])
def test_malformed_licence_expression_is_a_field_error_not_a_crash(malformed):
    assert "is not a valid SPDX licence" in problems(licence=malformed)["licence"][0]


def test_third_party_model_needs_a_licence():
    found = problems(origin=Origin.VENDOR, supplier="Acme AI", licence="")
    assert found == {"licence": ["Third-party and open-weights models need their licence, as an "
                                 "SPDX identifier or expression (e.g. Apache-2.0)."]}
    assert problems(origin=Origin.OPEN_WEIGHTS, licence="apache-2.0") == {}


def test_missing_owner_is_refused():
    found = problems(owner=None)
    assert found["owner"] == ["Every model needs an owner: the person accountable for it."]


def test_tracked_artefacts_must_be_within_the_scope():
    from inventory.models import InventoryScope

    InventoryScope.objects.filter(asset_type="mlmodel").update_or_create(
        asset_type="mlmodel", defaults={"tracked_artefacts": ["model", "data"]})
    found = problems(tracked_artefacts=["model", "pipeline_code"])
    assert "tracks only: model, data" in found["tracked_artefacts"][0]
    assert "pipeline_code" in found["tracked_artefacts"][0]
    assert "Unknown artefact" in problems(tracked_artefacts=["weights"])["tracked_artefacts"][0]


def test_every_problem_is_reported_at_once():
    found = problems(name="Bad Name", owner=None, licence="nope", input_schema={"type": 5},
                     purpose="")
    assert {"name", "owner", "licence", "input_schema", "purpose"} <= set(found)


def test_non_numeric_metric_is_refused():
    found = problems(evaluation_metrics={"auc": "high"})
    assert "must be a number" in found["evaluation_metrics"][0]


# --------------------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------------------
def test_create_writes_history_with_user_and_reason_and_grants_creator_and_owner():
    actor = UserFactory(username="ds-dora")
    data = registration()
    model = catalogue.mlmodel_create(actor=actor, reason="New scorecard", data=data)
    assert model.stage == ModelStage.REGISTERED
    assert sorted(model.tags.values_list("name", flat=True)) == ["batch", "scoring"]
    record = model.history.get()
    assert record.history_user == actor
    assert record.history_change_reason == "New scorecard"
    assert set(get_perms(actor, model)) >= {"view_mlmodel", "change_mlmodel", "delete_mlmodel"}
    assert set(get_perms(data["owner"], model)) >= {"view_mlmodel", "change_mlmodel",
                                                    "request_promotion_mlmodel"}


def test_refused_registration_writes_nothing():
    before = (MLModel.objects.count(), MLModel.history.count())
    with pytest.raises(ValidationError) as refused:
        catalogue.mlmodel_create(actor=None, reason="x", data=model_data(name="X", purpose=""))
    assert {"name", "purpose"} <= set(refused.value.message_dict)
    assert (MLModel.objects.count(), MLModel.history.count()) == before


def test_update_history_carries_user_reason_and_tag_changes():
    actor = UserFactory(username="ds-dora")
    model = catalogue.mlmodel_create(actor=actor, reason="New", data=registration())
    catalogue.mlmodel_update(model=model, actor=actor, reason="Better purpose",
                             data={"purpose": "Scores applications.", "tags": ["batch", "nightly"]})
    latest = model.history.first()
    assert latest.history_user == actor
    assert latest.history_change_reason.startswith("Better purpose")
    assert "+nightly" in latest.history_change_reason and "-scoring" in latest.history_change_reason
    assert latest.purpose == "Scores applications."


def test_update_cannot_edit_the_stage_or_classification():
    model = catalogue.mlmodel_create(actor=None, reason="New", data=model_data())
    with pytest.raises(ValidationError) as refused:
        catalogue.mlmodel_update(model=model, actor=None, reason="x",
                                 data={"stage": ModelStage.PRODUCTION})
    assert "stage" in refused.value.message_dict


def test_risk_tier_change_needs_the_risk_officer_permission(data_scientist, risk_officer):
    model = catalogue.mlmodel_create(actor=None, reason="New", data=model_data())
    with pytest.raises(ValidationError) as refused:
        catalogue.mlmodel_update(model=model, actor=data_scientist, reason="x",
                                 data={"risk_tier": RiskTier.LOW})
    assert "risk_tier" in refused.value.message_dict
    with pytest.raises(ValidationError) as incomplete:
        catalogue.mlmodel_risk_tier_set(model=model, actor=risk_officer, reason="Material",
                                        risk_tier=RiskTier.HIGH)
    assert set(incomplete.value.message_dict) == {"output_schema", "steward"}
    catalogue.mlmodel_risk_tier_set(model=model, actor=risk_officer, reason="Lower impact",
                                    risk_tier=RiskTier.LOW)
    model.refresh_from_db()
    assert model.risk_tier == RiskTier.LOW
    assert model.history.first().history_user == risk_officer


def test_compliance_tags_are_controlled():
    ComplianceTagFactory(name="eu-ai-act")
    found = problems(compliance_tags=["eu-ai-act", "made-up"])
    assert found == {"compliance_tags": ["Unknown compliance tag(s): made-up. Compliance tags are "
                                         "a controlled list; an administrator adds new ones."]}
    model = catalogue.mlmodel_create(actor=None, reason="New",
                                     data=model_data(compliance_tags=["eu-ai-act"]))
    assert list(model.compliance_tags.values_list("name", flat=True)) == ["eu-ai-act"]


def test_delete_of_a_model_ever_in_production_is_refused():
    model = MLModelFactory(name="credit-live-xgb", stage=ModelStage.PRODUCTION)
    assert model.ever_in_production
    with pytest.raises(ValidationError) as refused:
        catalogue.mlmodel_delete(model=model, actor=None, reason="cleanup")
    assert "has been in production and can never be deleted" in refused.value.messages[0]
    assert MLModel.objects.filter(pk=model.pk).exists()


def test_version_in_production_marks_the_model():
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    version.model.refresh_from_db()
    assert version.model.ever_in_production


def test_delete_removes_versions_grants_and_writes_history():
    actor = UserFactory(username="ds-dora")
    model = catalogue.mlmodel_create(actor=actor, reason="New", data=registration())
    model.versioning_strategy = "monolithic"  # the bundle is all a version must pin
    model.save()
    versions.model_version_register(model=model, actor=actor, reason="v1", data={
        "artifact_uri": "s3://m/1", "artifact_sha256": "c" * 64,
        "training_date": datetime.date(2026, 2, 1), "input_schema": VALID_INPUT_SCHEMA,
        "output_schema": VALID_OUTPUT_SCHEMA, "code_commit": "a" * 40,
        "evaluation_metrics": {"auc": 0.8}, "training_environment": "py",
        "inference_requirements": "cpu"})
    pk = model.pk
    catalogue.mlmodel_delete(model=model, actor=actor, reason="Registered by mistake")
    assert not MLModel.objects.filter(pk=pk).exists()
    deleted = MLModel.history.filter(id=pk, history_type="-").get()
    assert deleted.history_user == actor and deleted.history_change_reason == "Registered by mistake"
    from guardian.models import UserObjectPermission

    assert not UserObjectPermission.objects.filter(object_pk=str(pk),
                                                   content_type__model="mlmodel").exists()


def version_data(**overrides) -> dict:
    data = {"artifact_uri": "s3://models/credit/1", "artifact_sha256": "d" * 64,
            "training_date": datetime.date(2026, 2, 1), "input_schema": VALID_INPUT_SCHEMA,
            "evaluation_metrics": {"auc": 0.83}, "training_environment": "python 3.11",
            "inference_requirements": "1 vCPU"}
    data.update(overrides)
    return data


def test_version_numbers_are_gap_free_even_after_a_refused_registration():
    model = MLModelFactory(name="credit-default-xgb", stage=ModelStage.DRAFT,
                           versioning_strategy="monolithic")
    first = versions.model_version_register(model=model, actor=None, reason="v1", data=version_data())
    with pytest.raises(ValidationError) as refused:
        versions.model_version_register(model=model, actor=None, reason="bad",
                                         data=version_data(artifact_uri="", input_schema={"type": 1}))
    assert {"artifact_uri", "input_schema"} <= set(refused.value.message_dict)
    second = versions.model_version_register(model=model, actor=None, reason="v2",
                                              data=version_data())
    assert (first.version, second.version) == (1, 2)
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED


def test_production_version_is_frozen_for_the_service():
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    with pytest.raises(ConflictError):
        versions.model_version_update(version=version, actor=None, reason="x",
                                       data={"description": "changed"})


def test_dataset_with_versions_cannot_be_deleted():
    version = DatasetVersionFactory()
    with pytest.raises(ValidationError):
        catalogue.asset_delete(asset=version.dataset, actor=None, reason="x")


def test_dataset_version_numbers_and_schema_check():
    dataset = DatasetFactory(name="credit-applications-raw")
    v1 = versions.dataset_version_register(dataset=dataset, actor=None, reason="load",
                                            data={"uri": "s3://d/1", "sha256": "e" * 64})
    with pytest.raises(ValidationError) as refused:
        versions.dataset_version_register(dataset=dataset, actor=None, reason="load",
                                           data={"schema": {"type": "nothing"}})
    assert "schema" in refused.value.message_dict
    v2 = versions.dataset_version_register(dataset=dataset, actor=None, reason="load", data={})
    assert (v1.version, v2.version) == (1, 2)


# --------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("origin", "purpose", "cost", "expected"), [
    (Origin.VENDOR, "internal_operations", None, AssetClassification.EXPENSED),
    (Origin.INTERNAL, "research", Decimal("500000"), AssetClassification.EXPENSED),
    (Origin.INTERNAL, "customer_facing", Decimal("250000"),
     AssetClassification.INTELLECTUAL_PROPERTY),
    (Origin.INTERNAL, "customer_facing", Decimal("1000"), AssetClassification.DIGITAL_INVENTORY),
    (Origin.INTERNAL, "internal_operations", None, AssetClassification.DIGITAL_INVENTORY),
])
def test_classification_follows_the_default_accounting_policy(origin, purpose, cost, expected):
    licence = "LicenseRef-Acme" if origin != Origin.INTERNAL else ""
    model = catalogue.mlmodel_create(actor=None, reason="New", data=model_data(
        origin=origin, purpose_category=purpose, development_cost=cost, licence=licence))
    assert model.classification == expected
    assert "accounting policy rule" in model.classification_rationale


def test_reclassify_after_the_policy_changed():
    model = catalogue.mlmodel_create(actor=None, reason="New", data=model_data())
    AccountingPolicyRule.objects.create(priority=1, name="Everything is IP", classification=
                                        AssetClassification.INTELLECTUAL_PROPERTY, rationale="Policy 2027.")
    catalogue.mlmodel_reclassify(model=model, actor=None, reason="Policy changed")
    model.refresh_from_db()
    assert model.classification == AssetClassification.INTELLECTUAL_PROPERTY
    assert model.classification_rationale.startswith("Policy 2027.")


# --------------------------------------------------------------------------------------
# Completeness and licence constraints
# --------------------------------------------------------------------------------------
def test_metadata_gaps_in_python_and_in_sql_agree(django_assert_max_num_queries):
    complete = MLModelFactory(name="credit-complete-xgb")
    lacking = MLModelFactory(name="credit-lacking-xgb", training_environment="", team=None)
    high = MLModelFactory(name="credit-high-xgb", risk_tier=RiskTier.HIGH, steward=None)
    assert asset_metadata_gaps(complete) == []
    assert asset_metadata_gaps(lacking) == ["team", "training_environment"]
    assert asset_metadata_gaps(high) == ["steward"]
    with django_assert_max_num_queries(6):
        rows = incomplete_assets(MLModel.objects.for_list())
    assert {(a.name, tuple(g)) for a, g in rows} == {
        ("credit-lacking-xgb", ("team", "training_environment")), ("credit-high-xgb", ("steward",))}
    in_sql = set(MLModel.objects.filter(missing_metadata_q(MLModel)).values_list("name", flat=True))
    assert in_sql == {"credit-lacking-xgb", "credit-high-xgb"}


def test_licence_constraints_lists_production_models_that_may_not_be_redistributed():
    MLModelFactory(name="vendor-chat-llm", stage=ModelStage.PRODUCTION, origin=Origin.VENDOR,
                   licence="LicenseRef-Acme", redistribution=Redistribution.PROHIBITED)
    MLModelFactory(name="open-text-llm", stage=ModelStage.PRODUCTION, origin=Origin.OPEN_WEIGHTS,
                   licence="Apache-2.0", redistribution=Redistribution.ALLOWED)
    MLModelFactory(name="vendor-draft-llm", stage=ModelStage.STAGING,
                   redistribution=Redistribution.PROHIBITED)
    found = mlmodel_licence_constraints(redistribution=(Redistribution.PROHIBITED,))
    assert [m.name for m in found] == ["vendor-chat-llm"]


def test_denial_service_validates_action():
    model = MLModelFactory(name="credit-default-xgb")
    user = UserFactory(username="someone")
    with pytest.raises(ValidationError):
        catalogue.permission_denial_create(obj=model, action="fly", actor=None, reason="x",
                                           user=user)
    denial = catalogue.permission_denial_create(obj=model, action="view", actor=None,
                                                reason="Conflict of interest", user=user)
    assert denial.object_id == str(model.pk)


def test_versions_are_not_deleted_alone():
    version = ModelVersionFactory()
    with pytest.raises(ConflictError):
        versions.model_version_delete(version=version, actor=None, reason="x")
    assert ModelVersion.objects.filter(pk=version.pk).exists()
