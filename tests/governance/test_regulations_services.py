"""Frameworks as versioned data: the loader, requirement revisions, versions in use,
applicability rules and evidence checks refused with field errors."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core.exceptions import ConflictError
from governance.applicability import condition_matches, describe_condition, validate_condition
from governance.models import (
    ComplianceAssessment,
    FrameworkVersion,
    RegulatoryFramework,
    Requirement,
    RequirementResult,
)
from governance.services.compliance import compliance_recompute
from governance.services.regulations import (
    framework_create,
    framework_delete,
    framework_version_create_next,
    framework_version_delete,
    regulations_load,
    requirement_create,
    requirement_delete,
    requirement_update,
)
from tests.factories.catalogue import MLModelFactory
from tests.factories.regulations import FrameworkVersionFactory, RequirementFactory

pytestmark = pytest.mark.django_db

SHIPPED = {"gdpr", "ccpa", "hipaa", "sox", "eu-ai-act", "nist-ai-rmf", "sr-11-7", "sr-26-2"}


def test_the_shipped_frameworks_load_again_without_duplicates():
    regulations_load()
    before = (RegulatoryFramework.objects.count(), Requirement.objects.count())
    assert set(RegulatoryFramework.objects.values_list("code", flat=True)) >= SHIPPED
    call_command("load_regulations")
    assert (RegulatoryFramework.objects.count(), Requirement.objects.count()) == before
    gdpr = Requirement.objects.get(framework_version__framework__code="gdpr", key="art-22")
    assert (gdpr.clause, gdpr.evidence_checks) == ("Art. 22", ["human_oversight"])
    assert gdpr.history.filter(history_type="+").exists()
    # Every shipped requirement cites checks that exist and a valid rule.
    for requirement in Requirement.objects.filter(
            framework_version__framework__code__in=SHIPPED):
        requirement.full_clean()


def test_a_deleted_shipped_requirement_comes_back_and_an_edit_is_kept(compliance_officer):
    regulations_load()
    art_6 = Requirement.objects.get(framework_version__framework__code="gdpr", key="art-6")
    requirement_update(requirement=art_6, actor=compliance_officer, reason="Our wording",
                       data={"summary": "Every use of personal data has a legal basis."})
    requirement_delete(requirement=Requirement.objects.get(
        framework_version__framework__code="gdpr", key="art-9"), actor=compliance_officer,
        reason="Removed by mistake")
    created = regulations_load()
    assert created == {"frameworks": 0, "versions": 0, "requirements": 1}
    art_6.refresh_from_db()
    assert art_6.summary == "Every use of personal data has a legal basis."


def test_a_requirement_in_use_changes_as_a_new_revision(compliance_officer):
    requirement = RequirementFactory(summary="Purpose is written down.")
    model = MLModelFactory(purpose="")
    compliance_recompute(model_ids=[model.pk], trigger="before")
    cited = RequirementResult.objects.get(assessment__model=model,
                                          assessment__framework=requirement.framework_version.framework)
    assert cited.requirement == requirement

    revised = requirement_update(requirement=requirement, actor=compliance_officer,
                                 reason="Clearer wording",
                                 data={"summary": "The purpose is written in plain words."})

    assert revised.pk != requirement.pk
    assert (revised.revision, revised.replaces, revised.is_current) == (2, requirement, True)
    requirement.refresh_from_db()
    assert requirement.summary == "Purpose is written down." and not requirement.is_current
    assert requirement.history.first().history_change_reason.startswith("Replaced by revision 2")
    compliance_recompute(model_ids=[model.pk], trigger="after")
    current = ComplianceAssessment.objects.get(
        model=model, is_current=True, framework=requirement.framework_version.framework)
    assert current.results.get().requirement == revised
    # The earlier assessment still cites the revision it was made against.
    assert RequirementResult.objects.get(pk=cited.pk).requirement == requirement


def test_a_requirement_nobody_was_assessed_against_changes_in_place(compliance_officer):
    requirement = RequirementFactory()
    updated = requirement_update(requirement=requirement, actor=compliance_officer,
                                 reason="Typo", data={"title": "Purpose documented"})
    assert updated.pk == requirement.pk and updated.revision == 1
    assert updated.history.first().history_user == compliance_officer


def test_a_replaced_revision_cannot_be_changed(compliance_officer):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    requirement_update(requirement=requirement, actor=compliance_officer, reason="v2",
                       data={"title": "Second wording"})
    with pytest.raises(ConflictError, match="was replaced"):
        requirement_update(requirement=requirement, actor=compliance_officer, reason="v3",
                           data={"title": "Third wording"})


def test_a_bad_revision_writes_nothing(compliance_officer):
    requirement = RequirementFactory()
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    before = (Requirement.objects.count(), Requirement.history.count())
    with pytest.raises(ValidationError) as error:
        requirement_update(requirement=requirement, actor=compliance_officer, reason="bad",
                           data={"evidence_checks": ["no_such_check"]})
    assert "evidence_checks" in error.value.message_dict
    assert (Requirement.objects.count(), Requirement.history.count()) == before
    requirement.refresh_from_db()
    assert requirement.is_current


def test_a_framework_version_in_use_cannot_be_deleted(compliance_officer):
    requirement = RequirementFactory()
    version = requirement.framework_version
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    with pytest.raises(ConflictError, match="in use"):
        framework_version_delete(version=version, actor=compliance_officer, reason="Tidy up")
    with pytest.raises(ConflictError):
        requirement_delete(requirement=requirement, actor=compliance_officer, reason="Tidy up")
    with pytest.raises(ConflictError):
        framework_delete(framework=version.framework, actor=compliance_officer, reason="Tidy")
    assert FrameworkVersion.objects.filter(pk=version.pk).exists()
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_an_unused_version_is_deleted_with_its_requirements(compliance_officer):
    requirement = RequirementFactory()
    version = requirement.framework_version
    framework_version_delete(version=version, actor=compliance_officer, reason="Draft dropped")
    assert not FrameworkVersion.objects.filter(pk=version.pk).exists()
    assert Requirement.history.filter(id=requirement.pk, history_type="-").get(
        ).history_change_reason == "Draft dropped"


def test_the_next_version_copies_requirements_and_becomes_current(compliance_officer):
    requirement = RequirementFactory()
    old = requirement.framework_version
    compliance_recompute(model_ids=[MLModelFactory().pk], trigger="cite it")
    new = framework_version_create_next(framework=old.framework, actor=compliance_officer,
                                        reason="2027 amendment", label="Amended text")
    old.refresh_from_db()
    assert (new.version, new.is_current, old.is_current) == (2, True, False)
    copied = new.requirements.get()
    assert (copied.key, copied.summary, copied.revision) == (requirement.key,
                                                            requirement.summary, 1)
    # The past version is a closed record once assessed against.
    with pytest.raises(ConflictError, match="no longer current"):
        requirement_update(requirement=requirement, actor=compliance_officer, reason="late",
                           data={"title": "Changed afterwards"})


def test_framework_create_starts_version_one(compliance_officer):
    framework = framework_create(actor=compliance_officer, reason="New law", data={
        "code": "colorado-ai-act", "name": "Colorado AI Act", "short_name": "CAIA"})
    version = framework.versions.get()
    assert (version.version, version.is_current) == (1, True)


def test_requirement_create_refuses_an_unknown_check_and_a_bad_rule(compliance_officer):
    version = FrameworkVersionFactory()
    data = {"framework_version": version, "key": "art-1", "clause": "Art. 1", "title": "T",
            "summary": "S", "evidence": "E", "evidence_checks": ["nope"],
            "applies_when": {"fact": "colour", "in": ["blue"]}}
    with pytest.raises(ValidationError) as error:
        requirement_create(actor=compliance_officer, reason="bad", data=data)
    assert set(error.value.message_dict) == {"evidence_checks", "applies_when"}
    assert "unknown fact “colour”" in error.value.message_dict["applies_when"][0]
    with pytest.raises(ValidationError) as error:
        requirement_create(actor=compliance_officer, reason="bad",
                           data={**data, "evidence_checks": [], "applies_when": {}})
    assert "at least one evidence check" in error.value.message_dict["evidence_checks"][0]
    assert not Requirement.objects.filter(framework_version=version).exists()


@pytest.mark.parametrize(("rule", "message"), [
    ({"all": []}, "non-empty list"),
    ({"fact": "risk_tier", "in": ["extreme"]}, "extreme is not a value"),
    ({"fact": "automated_decisions", "in": ["yes"]}, "is yes/no"),
    ({"fact": "domain"}, "needs a non-empty list"),
    ({"maybe": []}, "unknown key"),
    ("eu", "expected an object"),
])
def test_bad_rules_are_refused_in_plain_words(rule, message):
    with pytest.raises(ValidationError, match=message):
        validate_condition(rule)


def test_rules_match_regions_by_prefix_and_read_in_plain_words():
    rule = {"all": [{"fact": "data_sensitivity", "in": ["pii"]},
                    {"any": [{"fact": "deployment_regions", "in": ["eu"]},
                             {"fact": "automated_decisions", "is": True}]}]}
    facts = {"data_sensitivity": {"pii", "internal"}, "deployment_regions": {"eu-west-1"},
             "automated_decisions": False}
    assert condition_matches(rule, facts)
    assert not condition_matches(rule, {**facts, "deployment_regions": {"europe-west1"}})
    assert not condition_matches(rule, {**facts, "data_sensitivity": {"public"}})
    assert describe_condition(rule) == (
        "sensitivity of the data its versions used is Personal data (PII) and "
        "(region of its running deployments is eu or decides about people automatically)")
    assert describe_condition({}) == "always"


def test_the_shipped_data_files_are_valid_json_with_unique_keys():
    from governance.services.regulations import REGULATIONS_DIR

    for path in REGULATIONS_DIR.glob("*.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        keys = [item["key"] for item in spec["requirements"]]
        assert len(keys) == len(set(keys)), path.name
        validate_condition(spec["version"]["applies_when"])
