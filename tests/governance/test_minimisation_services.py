"""Data minimisation: each version's input schema is checked against its purpose's rules
at registration (findings listed with the rule) and before promotion (a gate that blocks)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from governance.choices import MinimisationOutcome
from governance.models import MinimisationFinding, MinimisationRule
from governance.services.minimisation import (
    feature_words,
    minimisation_problems,
    minimisation_rule_create,
    minimisation_rule_update,
)
from inventory.choices import ModelStage, RiskTier
from inventory.services.versions import model_version_transition
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory

pytestmark = pytest.mark.django_db


def rule(**overrides) -> MinimisationRule:
    data = {"name": "Churn: no special categories", "purpose_category": "research",
            "domain": "", "prohibited_attributes": ["ethnicity", "religion"],
            "justification_attributes": ["latitude"], **overrides}
    return minimisation_rule_create(actor=None, reason="Set up", data=data)


def version_with(properties: dict, stage=ModelStage.STAGING, **model):
    model = MLModelFactory(purpose_category="research", domain="churn",
                           risk_tier=RiskTier.LOW, **model)
    return PinnedModelVersionFactory(model=model, stage=stage, input_schema={
        "type": "object", "properties": properties})


def test_feature_names_are_split_into_words():
    assert feature_words("applicantEthnicity") == ["applicant", "ethnicity"]
    assert feature_words("HOME-latitude_deg") == ["home", "latitude", "deg"]


def test_a_prohibited_attribute_is_found_at_registration_and_blocks_promotion(validator):
    the_rule = rule()
    version = version_with({"applicant_ethnicity": {"type": "string"},
                            "tenure": {"type": "integer"}})
    finding = MinimisationFinding.objects.get(model_version=version)
    assert (finding.rule, finding.feature, finding.outcome, finding.blocking) == (
        the_rule, "applicant_ethnicity", MinimisationOutcome.PROHIBITED, True)
    with pytest.raises(ValidationError) as refused:
        model_version_transition(version=version, to_stage=ModelStage.PRODUCTION,
                                 actor=validator, reason="Ship it")
    message = " ".join(refused.value.message_dict["to_stage"])
    assert "Churn: no special categories" in message and "applicant_ethnicity" in message
    version.refresh_from_db()
    assert version.stage == ModelStage.STAGING


def test_a_justified_attribute_passes_and_an_unjustified_one_blocks():
    rule()
    unjustified = version_with({"home_latitude": {"type": "number"}})
    assert "justification" in minimisation_problems(unjustified)[0]
    justified = version_with({"home_latitude": {
        "type": "number", "x-justification": "Store catchment, rounded to 1 km"}})
    assert minimisation_problems(justified) == []
    finding = MinimisationFinding.objects.get(model_version=justified)
    assert (finding.outcome, finding.blocking) == (MinimisationOutcome.JUSTIFIED, False)


def test_an_allow_list_refuses_other_features():
    rule(prohibited_attributes=[], justification_attributes=[],
         allowed_features=["tenure", "plan"])
    version = version_with({"tenure": {"type": "integer"}, "browser": {"type": "string"}})
    problems = minimisation_problems(version)
    assert len(problems) == 1 and "“browser” is not among the features" in problems[0]


def test_rules_of_another_purpose_or_domain_do_not_apply():
    rule(purpose_category="internal_operations")
    rule(name="Credit only", purpose_category="", domain="credit")
    version = version_with({"religion": {"type": "string"}})
    assert minimisation_problems(version) == []


def test_a_rule_change_rechecks_the_versions_it_covers():
    the_rule = rule(prohibited_attributes=["religion"])
    version = version_with({"ethnicity": {"type": "string"}})
    assert not MinimisationFinding.objects.filter(model_version=version).exists()
    minimisation_rule_update(instance=the_rule, actor=None, reason="Add ethnicity",
                             data={"prohibited_attributes": ["religion", "ethnicity"]})
    assert MinimisationFinding.objects.filter(model_version=version, blocking=True).exists()
    minimisation_rule_update(instance=the_rule, actor=None, reason="Suspend",
                             data={"active": False})
    assert not MinimisationFinding.objects.filter(model_version=version).exists()


@pytest.mark.parametrize(("field", "value"), [
    ("prohibited_attributes", "religion"), ("allowed_features", [1, 2]),
    ("justification_attributes", ["religion"])])
def test_bad_rules_are_field_errors_and_nothing_is_written(field, value):
    with pytest.raises(ValidationError) as error:
        rule(**{field: value, "prohibited_attributes": ["religion"]} if field !=
             "prohibited_attributes" else {field: value})
    assert field in error.value.message_dict
    assert not MinimisationRule.objects.filter(name="Churn: no special categories").exists()
