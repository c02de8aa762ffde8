"""Compliance in a real browser: a compliance officer opens the overview (chart and table),
drills down to the gaps of GDPR, opens the model and reads its named gaps; the model's
owner follows the gap's link to the field, fills it in, and the gap is gone. Frameworks and
requirements are browsable. Every page is saved as a screenshot and checked with axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from governance.models import RegulatoryFramework
from governance.services.regulations import regulations_load
from tests.browser.conftest import WAIT_SECONDS, format_violations
from tests.factories import UserFactory
from tests.governance.test_compliance_services import eu_credit_model

pytestmark = pytest.mark.browser


@pytest.fixture
def eu_model(transactional_db):
    """Statuses are computed by the receivers as the records are written (autocommit)."""
    regulations_load()
    model, _ = eu_credit_model()
    return model


def _scroll_to(browser, selector: str) -> None:
    browser.driver.execute_script("arguments[0].scrollIntoView();", browser.find(selector))


def _no_serious_violations(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)


def test_officer_drills_down_to_a_gap_and_the_owner_closes_it(browser, eu_model):
    UserFactory(username="cora", first_name="Cora", last_name="Lind",
                roles=[Role.COMPLIANCE_OFFICER])
    owner = UserFactory(username="omar", roles=[Role.MODEL_OWNER])
    assign_perm("inventory.change_mlmodel", owner, eu_model)

    browser.login("cora")
    browser.open(reverse("governance:compliance"), "compliance-overview")
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        lambda d: d.find_element(By.ID, "compliance-chart").get_attribute("data-ready") == "true")
    browser.screenshot("compliance-overview-chart")
    assert browser.console_errors() == []
    _no_serious_violations(browser)
    assert browser.find('[data-testid="gaps-gdpr"]').text == "1"

    browser.click('[data-testid="gaps-gdpr"]', "gdpr-models-with-gaps")
    assert "credit-default-eu" in browser.text("main")
    _no_serious_violations(browser)

    browser.open(reverse("governance:gap_list") + "?framework=gdpr", "gdpr-gaps")
    text = browser.text("main")
    assert "How a person reviews, overrides or stops its decisions is not described." in text
    _no_serious_violations(browser)

    browser.open(eu_model.get_absolute_url(), "model-compliance-panel")
    panel = browser.text('[data-testid="panel-compliance"]')
    assert "Art. 22 Automated individual decision-making" in panel
    assert "Art. 14 Human oversight" in panel
    _scroll_to(browser, '[data-testid="panel-compliance"]')
    browser.screenshot("model-compliance-panel-gaps")

    # The owner follows the gap's link straight to the field and fills it in.
    browser.driver.delete_all_cookies()
    browser.login("omar")
    browser.open(eu_model.get_absolute_url(), "owner-sees-the-gap")
    browser.click('[data-testid="gap-gdpr-art-22"] a', "edit-form-at-the-field")
    assert browser.driver.switch_to.active_element.get_attribute("name") in (
        "human_oversight", None, "")
    browser.fill(human_oversight="Declines are reviewed by a credit officer before the "
                                 "applicant is told; officers can override the score.")
    browser.submit("main form", "saved")
    panel = browser.text('[data-testid="panel-compliance"]')
    assert "Art. 22" not in panel and "Art. 14" not in panel
    assert "Art. 6(1) Lawfulness of processing" in panel  # the data's legal basis is still missing
    _scroll_to(browser, '[data-testid="panel-compliance"]')
    browser.screenshot("model-compliance-panel-after")


def test_frameworks_and_requirements_are_browsable(browser, eu_model):
    UserFactory(username="aude", roles=[Role.AUDITOR])
    browser.login("aude")
    browser.open(reverse("governance:framework_list"), "frameworks")
    text = browser.text("main")
    for name in ("GDPR", "CCPA", "HIPAA", "SOX", "EU AI Act", "NIST AI RMF", "SR 11-7", "SR 26-2"):
        assert name in text
    _no_serious_violations(browser)
    gdpr = RegulatoryFramework.objects.get(code="gdpr")
    browser.open(reverse("governance:framework_detail", args=[gdpr.pk]), "gdpr-requirements")
    assert "Automated individual decision-making" in browser.text('[data-testid="requirements-table"]')
    _no_serious_violations(browser)
