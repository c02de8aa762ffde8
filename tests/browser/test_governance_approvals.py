"""Approvals and data minimisation in a real browser: a version whose input uses a
prohibited attribute cannot be promoted and the page names the rule; a validator finds a
request in the approvals inbox and approves it there. Screenshots in
test-output/screenshots/, axe-core checked."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.support.ui import Select

from core.roles import Role
from governance.models import ApprovalPolicy
from governance.services.approvals import approval_request_create
from governance.services.minimisation import minimisation_rule_create
from inventory.choices import ModelStage, RiskTier
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.governance_gates]

RULE = "Retail models: no special-category data"


def _accessible(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], f"axe-core on {browser.path}:\n{format_violations(violations)}"


def test_a_prohibited_input_blocks_promotion_and_the_page_names_the_rule(browser):
    UserFactory(username="vera", roles=[Role.VALIDATOR])
    minimisation_rule_create(actor=None, reason="GDPR art. 9", data={
        "name": RULE, "purpose_category": "customer_facing", "domain": "retail",
        "prohibited_attributes": ["ethnicity", "religion"],
        "description": "Special categories of personal data are never model inputs."})
    model = MLModelFactory(name="retail-churn-gbm", purpose_category="customer_facing",
                           domain="retail", risk_tier=RiskTier.LOW)
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING, input_schema={
        "type": "object", "properties": {"tenure_months": {"type": "integer"},
                                         "applicant_ethnicity": {"type": "string"}}})

    browser.login("vera")
    browser.open(reverse("inventory:modelversion_transition", args=[version.pk]), "promote")
    Select(browser.find("#id_to_stage")).select_by_value("production")
    browser.fill(change_reason="Shadow run passed")
    browser.submit("[data-testid=transition-form]", "promotion-refused-by-minimisation")
    refusal = browser.text("[data-testid=transition-form]")
    assert "Data minimisation" in refusal and RULE in refusal
    assert "applicant_ethnicity" in refusal
    version.refresh_from_db()
    assert version.stage == ModelStage.STAGING
    _accessible(browser)

    browser.open(model.get_absolute_url(), "model-page-minimisation-panel")
    assert RULE in browser.text("[data-testid=minimisation-findings]")

    browser.open(reverse("governance:minimisationfinding_list"), "minimisation-findings")
    findings = browser.text("main")
    assert "applicant_ethnicity" in findings and RULE in findings
    _accessible(browser)


def test_validator_approves_in_the_inbox(browser):
    ApprovalPolicy.objects.update_or_create(
        risk_tier=RiskTier.HIGH, to_stage=ModelStage.PRODUCTION,
        defaults={"approvals_required": 1, "approver_roles": [Role.VALIDATOR],
                  "cab_required": True})
    owner = UserFactory(username="olga", roles=[Role.MODEL_OWNER])
    UserFactory(username="vera", roles=[Role.VALIDATOR])
    model = MLModelFactory(name="credit-limit-xgb", risk_tier=RiskTier.HIGH, owner=owner)
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING)
    request = approval_request_create(version=version, to_stage=ModelStage.PRODUCTION,
                                      actor=owner, reason="Back-test and shadow run passed")

    browser.login("vera")
    browser.open(reverse("governance:approvalrequest_list") + "?box=waiting", "inbox-waiting")
    assert "credit-limit-xgb v1" in browser.text("[data-testid=object-table]")
    _accessible(browser)
    # Approve without leaving the inbox.
    form = f"[data-testid=inbox-decision-{request.pk}]"
    assert "the approval of a CAB member" in browser.text(form)
    browser.find(f"{form} textarea").send_keys("Validation report VR-12 reviewed")
    browser.click(f"{form} button[value=approve]", "approved-in-inbox")
    assert "You approved" in browser.text("main")
    assert "Waiting for me 0" in browser.text("[data-testid=inbox-tabs]")
    # One validator approved; the CAB member is still needed, so nothing was promoted.
    version.refresh_from_db()
    assert version.stage == ModelStage.STAGING

    browser.open(request.get_absolute_url(), "request")
    assert "the approval of a CAB member" in browser.text("[data-testid=still-needed]")
    assert "already approved" in browser.text("[data-testid=why-not]")
    assert "Validation report VR-12 reviewed" in browser.text("main")
    _accessible(browser)
