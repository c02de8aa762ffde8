"""The catalogue in a real browser (the catalogue journey): a compliance officer filters the
catalogue by risk tier and compliance tag, opens a model and sees its history; the
registration form refuses an incomplete model next to its fields. Every page is saved as
a screenshot in test-output/screenshots/ and checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from inventory.choices import RiskTier
from inventory.models import MLModel
from inventory.services import catalogue
from tests.browser.conftest import WAIT_SECONDS, format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import VALID_INPUT_SCHEMA, ComplianceTagFactory, TeamFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue_with_history(transactional_db):
    """Three models registered and edited through the services, so history has people."""
    dana = UserFactory(username="dana", first_name="Dana", last_name="Scientist",
                       roles=[Role.DATA_SCIENTIST])
    omar = UserFactory(username="omar", first_name="Omar", last_name="Owner",
                       roles=[Role.MODEL_OWNER])
    cora = UserFactory(username="cora", first_name="Cora", last_name="Lind",
                       roles=[Role.COMPLIANCE_OFFICER])
    team = TeamFactory(slug="credit-risk", name="Credit Risk Analytics", members=[dana, omar])
    for name in ("sr-11-7", "gdpr-art22"):
        ComplianceTagFactory(name=name)

    rick = UserFactory(username="rick", roles=[Role.RISK_OFFICER])

    def register(name, tier, tags):
        # Dana registers (at the default tier, high); the officers set the tier and tags.
        model = catalogue.mlmodel_create(actor=dana, reason="Registered the model", data={
            "name": name, "purpose": f"Scores credit applications ({name}).", "owner": omar,
            "steward": dana, "team": team, "domain": "credit",
            "training_date": datetime.date(2026, 1, 15), "input_schema": VALID_INPUT_SCHEMA,
            "output_schema": {"type": "object"}, "evaluation_metrics": {"auc": 0.84},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU",
            "tags": ["scoring"]})
        if tier != model.risk_tier:
            model = catalogue.mlmodel_risk_tier_set(model=model, actor=rick,
                                                    reason="Risk assessment", risk_tier=tier)
        if tags:
            model = catalogue.mlmodel_compliance_tags_set(
                model=model, actor=cora, reason="Regulations that apply", compliance_tags=tags)
        return model

    target = register("credit-default-xgb", RiskTier.HIGH, ["sr-11-7", "gdpr-art22"])
    register("credit-limit-gbm", RiskTier.HIGH, ["gdpr-art22"])
    register("credit-collections-rf", RiskTier.LOW, ["sr-11-7"])
    catalogue.mlmodel_update(model=target, actor=omar, reason="Annual model review", data={
        "purpose": "Estimates the probability of default within 12 months."})
    return {"cora": cora, "dana": dana, "target": target}


def _assert_accessible(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], f"axe-core on {browser.path}:\n{format_violations(violations)}"


def _into_view(browser, selector: str):
    """Scroll without animation: Bootstrap turns on smooth scrolling, and a click during the
    animation lands on whatever is passing under the pointer."""
    element = browser.find(selector)
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    return element


def _check(browser, name: str, value: str) -> None:
    _into_view(browser, f"[data-testid=filter-form] input[name={name}][value='{value}']").click()


def _submit(browser, form: str, label: str) -> None:
    _into_view(browser, f"{form} [type=submit]")
    browser.submit(form, label)


def test_compliance_officer_filters_by_risk_and_compliance_tag_and_reads_the_history(
        browser, catalogue_with_history):
    browser.login("cora")
    browser.open(reverse("inventory:mlmodel_list"), "models")
    assert browser.text("[data-testid=result-count]").startswith("3 results")

    _check(browser, "risk_tier", "high")
    _check(browser, "compliance_tag", "sr-11-7")
    _submit(browser, "[data-testid=filter-form]", "models-high-risk-sr-11-7")

    # The filter state lives in the address, so it can be shared and bookmarked.
    assert "risk_tier=high" in browser.path and "compliance_tag=sr-11-7" in browser.path
    assert browser.text("[data-testid=result-count]").startswith("1 result")
    table = browser.text("[data-testid=object-table]")
    assert "credit-default-xgb" in table
    assert "credit-limit-gbm" not in table and "credit-collections-rf" not in table
    _assert_accessible(browser)

    page = browser.find("html")
    target_url = catalogue_with_history["target"].get_absolute_url()
    _into_view(browser, f"[data-testid=object-table] a[href='{target_url}']").click()
    WebDriverWait(browser.driver, WAIT_SECONDS).until(expected_conditions.staleness_of(page))
    browser.screenshot("model-detail")
    assert browser.text("[data-testid=object-name]") == "credit-default-xgb"
    badges = browser.text("[data-testid=object-badges]")
    assert "Risk: High" in badges and "sr-11-7" in badges
    _assert_accessible(browser)

    _into_view(browser, "[data-testid=history-tab]").click()
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        expected_conditions.visibility_of_element_located((By.ID, "history")))
    browser.screenshot("model-history")
    history = browser.text("[data-testid=history]")
    assert "omar" in history and "Annual model review" in history  # who and why
    assert "Scores credit applications (credit-default-xgb)." in history  # before
    assert "Estimates the probability of default within 12 months." in history  # after
    assert "dana" in history and "Registered the model" in history
    assert browser.path.endswith("#history")  # the open tab can be linked to
    _assert_accessible(browser)


def test_registration_form_refuses_an_incomplete_model_next_to_its_fields(
        browser, catalogue_with_history):
    browser.login("dana")
    browser.open(reverse("inventory:mlmodel_add"), "register-a-model")
    _assert_accessible(browser)

    browser.fill(name="Credit Model", description="Kept after the refusal")
    _submit(browser, "[data-testid=model-form]", "registration-refused")

    assert browser.exists("[data-field-error=name]")
    assert "domain-purpose-variant" in browser.text("[data-field-error=name]")
    assert browser.find("[name=description]").get_attribute("value") == "Kept after the refusal"
    assert MLModel.objects.count() == 3
    _assert_accessible(browser)


def test_home_shows_the_risk_chart_and_counters_for_the_catalogue(
        browser, catalogue_with_history):
    browser.login("cora")
    assert browser.exists("[data-testid=risk-chart]")
    counters = browser.text("[data-testid=counters]")
    assert "Registered models" in counters
    browser.open(reverse("inventory:risk_register"), "risk-register")
    assert "High" in browser.text("[data-testid=risk-table]")
    _assert_accessible(browser)
    browser.open(reverse("inventory:completeness"), "completeness")
    browser.open(reverse("inventory:licence_list"), "licences")
    _assert_accessible(browser)
    assert not browser.console_errors()


def test_model_owner_edits_a_model_and_the_change_shows_in_its_history(
        browser, catalogue_with_history):
    target = catalogue_with_history["target"]
    browser.login("omar")
    browser.open(reverse("inventory:mlmodel_edit", args=[target.pk]), "edit-model")
    # The date picker shows the stored training date (ISO value), so saving keeps it.
    assert browser.find("[name=training_date]").get_attribute("value") == "2026-01-15"
    assert browser.find("[name=risk_tier]").get_attribute("disabled")  # risk officers set it

    browser.fill(purpose="Estimates 12-month default risk of retail loan applications.",
                 change_reason="Wording agreed with compliance")
    _submit(browser, "[data-testid=model-form]", "edit-saved")

    assert browser.path == target.get_absolute_url()
    target.refresh_from_db()
    assert target.training_date == datetime.date(2026, 1, 15)
    assert target.purpose.startswith("Estimates 12-month default risk")
    _into_view(browser, "[data-testid=history-tab]").click()
    history = WebDriverWait(browser.driver, WAIT_SECONDS).until(
        expected_conditions.visibility_of_element_located((By.ID, "history")))
    browser.screenshot("history-after-edit")
    assert "Wording agreed with compliance" in history.text


def test_compliance_officer_saves_a_search_and_reopens_it(browser, catalogue_with_history):
    browser.login("cora")
    browser.open(reverse("inventory:mlmodel_list") + "?risk_tier=high&compliance_tag=gdpr-art22",
                 "models-filtered")
    assert browser.text("[data-testid=result-count]").startswith("2 results")

    _into_view(browser, "#saved-search-name").send_keys("High risk, GDPR Art. 22")
    _submit(browser, "[data-testid=save-search-form]", "search-saved")
    assert "Saved the search" in browser.text("main")

    browser.open(reverse("inventory:mlmodel_list"), "models-unfiltered")
    assert browser.text("[data-testid=result-count]").startswith("3 results")
    page = browser.find("html")
    _into_view(browser, "[data-testid=saved-search]").click()
    WebDriverWait(browser.driver, WAIT_SECONDS).until(expected_conditions.staleness_of(page))
    browser.screenshot("saved-search-reopened")
    assert "risk_tier=high" in browser.path and "compliance_tag=gdpr-art22" in browser.path
    assert browser.text("[data-testid=result-count]").startswith("2 results")
    _assert_accessible(browser)


def test_dataset_detail_and_completeness_are_accessible(browser, catalogue_with_history):
    from tests.factories.catalogue import DatasetFactory, FeatureFactory

    team = catalogue_with_history["target"].team
    dataset = DatasetFactory(name="credit-applications-raw", team=team,
                             compliance_tags=["gdpr-art22"])
    FeatureFactory(name="credit-debt-ratio", team=team, dataset=dataset)
    browser.login("cora")
    browser.open(dataset.get_absolute_url(), "dataset-detail")
    assert "credit-debt-ratio" in browser.text("main")
    _assert_accessible(browser)
    browser.open(reverse("inventory:completeness"), "completeness")
    _assert_accessible(browser)
    browser.open(reverse("inventory:feature_list"), "features")
    _assert_accessible(browser)
