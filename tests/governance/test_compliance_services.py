"""Compliance status: applicability, named gaps, recompute after changes, idempotence and
query counts of the full recompute."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.choices import ComplianceOutcome
from governance.models import ComplianceAssessment, RegulatoryFramework, Requirement
from governance.services.compliance import compliance_recompute
from governance.services.regulations import regulations_load
from inventory.choices import DatasetRole, DeploymentEnvironment, RiskTier, Sensitivity
from inventory.models import ModelVersionDataset
from inventory.services.catalogue import asset_update, mlmodel_update
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
    default_owner,
)
from tests.factories.lifecycle import DeploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    """The shipped frameworks (a transactional test elsewhere may have flushed them)."""
    regulations_load()
    return {f.code: f for f in RegulatoryFramework.objects.all()}


def eu_credit_model(*, human_oversight: str = "", consent_basis: str = "",
                    region: str = "eu-west-1", data_region: str = "eu"):
    """A high-risk credit model deciding automatically, trained on EU personal data and
    deployed in the EU; its oversight and its data's legal basis are left to the test."""
    dataset = DatasetFactory(name="eu-loan-applications", sensitivity=Sensitivity.PII,
                             residency_region=data_region, consent_basis=consent_basis,
                             collection_method="Online application form",
                             known_biases="Under-represents applicants under 25.",
                             limitations="Applications since 2021 only.")
    model = MLModelFactory(name="credit-default-eu", risk_tier=RiskTier.HIGH,
                           automated_decisions=True, human_oversight=human_oversight,
                           impact_assessment_url="https://dms.example.org/dpia/credit-eu",
                           steward=default_owner())
    version = ModelVersionFactory(model=model, stage="validated")
    ModelVersionDataset(model_version=version, dataset_version=DatasetVersionFactory(
        dataset=dataset), role=DatasetRole.TRAIN).save()
    DeploymentFactory(model_version=version, environment=DeploymentEnvironment.STAGING,
                      region=region)
    return model, dataset


def status(model, code: str) -> ComplianceAssessment:
    return ComplianceAssessment.objects.select_related("framework_version").get(
        model=model, framework__code=code, is_current=True)


def gaps(model, code: str) -> dict[str, list[str]]:
    """Requirement key -> what is missing, for the model's current status."""
    return {r.requirement.key: [m["detail"] for m in r.missing]
            for r in status(model, code).results.filter(outcome=ComplianceOutcome.GAP)
            .select_related("requirement")}


def test_eu_personal_data_model_shows_gdpr_and_ai_act_gaps_and_filling_closes_them(
        shipped, django_capture_on_commit_callbacks, compliance_officer):
    """A model trained on EU personal data and deployed in the EU shows GDPR and EU AI Act
    requirements with its named gaps; filling the missing field closes the gap."""
    with django_capture_on_commit_callbacks(execute=True):
        model, dataset = eu_credit_model()

    gdpr, ai_act = gaps(model, "gdpr"), gaps(model, "eu-ai-act")
    assert status(model, "gdpr").status == ComplianceOutcome.GAP
    assert gdpr["art-6"] == ["Dataset “eu-loan-applications” has no legal basis or consent "
                             "recorded."]
    assert gdpr["art-22"] == ["How a person reviews, overrides or stops its decisions is "
                              "not described."]
    assert "art-30" not in gdpr  # purpose, owner, steward and data are recorded
    assert ai_act["art-14"] == gdpr["art-22"]
    assert status(model, "eu-ai-act").status == ComplianceOutcome.GAP
    # Frameworks that do not cover it say so, with no requirement listed.
    assert status(model, "hipaa").status == ComplianceOutcome.NOT_APPLICABLE
    assert not status(model, "hipaa").results.exists()

    with django_capture_on_commit_callbacks(execute=True):
        mlmodel_update(model=model, actor=compliance_officer, reason="Oversight described",
                       data={"human_oversight": "Declines are reviewed by a credit officer "
                                                "before the applicant is told."})
    assert "art-22" not in gaps(model, "gdpr")
    assert "art-14" not in gaps(model, "eu-ai-act")
    assert "art-6" in gaps(model, "gdpr")

    with django_capture_on_commit_callbacks(execute=True):
        asset_update(asset=dataset, actor=compliance_officer, reason="Legal basis recorded",
                     data={"consent_basis": "Contract (GDPR art. 6(1)(b))"})
    assert "art-6" not in gaps(model, "gdpr")
    # Each earlier status is kept, with the framework version it was made against.
    past = ComplianceAssessment.objects.filter(model=model, framework__code="gdpr",
                                               is_current=False)
    assert past.count() == 2
    assert {a.framework_version_id for a in past} == {status(model, "gdpr").framework_version_id}


def test_a_model_outside_the_eu_with_internal_data_is_not_covered_by_gdpr(shipped):
    model = MLModelFactory(name="churn-us", domain="marketing", risk_tier=RiskTier.LOW)
    version = ModelVersionFactory(model=model)
    DeploymentFactory(model_version=version, region="us-east-1")
    compliance_recompute(model_ids=[model.pk], trigger="test")
    assert status(model, "gdpr").status == ComplianceOutcome.NOT_APPLICABLE
    assert status(model, "eu-ai-act").status == ComplianceOutcome.NOT_APPLICABLE
    # NIST AI RMF applies to every model.
    assert status(model, "nist-ai-rmf").status in (ComplianceOutcome.MET, ComplianceOutcome.GAP)


def test_a_deployment_in_the_eu_brings_gdpr_in(shipped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        model, _ = eu_credit_model(region="us-east-1", data_region="us")
    assert status(model, "gdpr").status == ComplianceOutcome.NOT_APPLICABLE
    assert status(model, "ccpa").status == ComplianceOutcome.GAP
    with django_capture_on_commit_callbacks(execute=True):
        DeploymentFactory(model_version=model.versions.get(), region="eu-central-1",
                          environment=DeploymentEnvironment.TEST)
    assert status(model, "gdpr").status == ComplianceOutcome.GAP
    assert status(model, "eu-ai-act").status == ComplianceOutcome.GAP


def test_recompute_is_idempotent(shipped):
    model, _ = eu_credit_model()
    first = compliance_recompute(model_ids=[model.pk], trigger="first")
    assert first["written"] == RegulatoryFramework.objects.count()
    again = compliance_recompute(model_ids=[model.pk], trigger="again")
    assert again["written"] == 0 and again["unchanged"] == first["written"]
    assert ComplianceAssessment.objects.filter(model=model).count() == first["written"]


def test_a_changed_rule_changes_the_status_against_the_same_version(shipped):
    model, _ = eu_credit_model()
    compliance_recompute(model_ids=[model.pk], trigger="before")
    version = status(model, "gdpr").framework_version
    version.applies_when = {"fact": "data_sensitivity", "in": ["phi"]}
    version.save()
    compliance_recompute(model_ids=[model.pk], trigger="rule changed")
    assert status(model, "gdpr").status == ComplianceOutcome.NOT_APPLICABLE


def _batch(n: int) -> None:
    for index in range(n):
        model = MLModelFactory(name=f"scale-model-{index}-{MLModelFactory._meta.model.objects.count()}")
        version = ModelVersionFactory(model=model)
        ModelVersionDataset(model_version=version, dataset_version=DatasetVersionFactory(
            dataset=DatasetFactory(sensitivity=Sensitivity.PII, residency_region="eu")),
            role=DatasetRole.TRAIN).save()
        DeploymentFactory(model_version=version, region="eu-west-1",
                          environment=DeploymentEnvironment.STAGING)


def _recompute_queries() -> int:
    ComplianceAssessment.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        compliance_recompute(trigger="measure", batch_size=1000)
    return len(queries)


def test_full_recompute_costs_the_same_queries_for_n_and_3n_models(shipped):
    """The scheduled recompute reads facts in bulk: no query per model."""
    _batch(4)
    at_n = _recompute_queries()
    _batch(8)
    at_3n = _recompute_queries()
    assert at_n == at_3n, (at_n, at_3n)
    assert at_3n <= 20


def test_a_requirement_with_an_unregistered_check_is_a_named_gap(shipped):
    model, _ = eu_credit_model()
    requirement = Requirement.objects.get(framework_version__framework__code="gdpr",
                                          key="art-44", is_current=True)
    # Saved without validation, as if the check was withdrawn after the requirement cited it.
    requirement.evidence_checks = ["withdrawn_check"]
    requirement.save()
    compliance_recompute(model_ids=[model.pk], trigger="test")
    assert gaps(model, "gdpr")["art-44"] == ["The evidence check “withdrawn_check” is not "
                                             "available any more."]
