"""The findings board and the reports page in Chromium, as a compliance officer uses them:
see what reconciliation found (chart, badges, filters), open a finding and mark it being
fixed, generate a report and download it, schedule one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from governance.models import Finding, Report, ReportSchedule
from governance.services.reconciliation import reconciliation_run
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.governance.reality import plant, stores_fixture  # noqa: F401

pytestmark = pytest.mark.browser


def test_compliance_officer_works_through_findings_and_reports(browser, stores) -> None:
    held, folder = stores
    officer = UserFactory(username="clara", first_name="Clara", last_name="Nkosi",
                          roles=[Role.COMPLIANCE_OFFICER])
    plant(held_root=held, folder=folder, reporter=officer)
    reconciliation_run()
    browser.login("clara")

    browser.open(reverse("governance:finding_list"), "findings-board")
    WebDriverWait(browser.driver, 10).until(
        lambda d: d.find_element(By.ID, "finding-age-chart").get_attribute("data-ready") == "true")
    browser.screenshot("findings-board-with-chart")
    summary = browser.text("[data-testid=finding-summary]")
    assert "8" in summary and "Unauthorised" in summary and "Orphaned" in summary
    assert browser.text("[data-testid=result-count]").startswith("8 results")
    assert browser.console_errors() == []
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    browser.open(reverse("governance:finding_list") + "?kind=stale", "findings-stale")
    assert browser.text("[data-testid=result-count]").startswith("1 result")
    browser.click("[data-testid=object-table] tbody a", "finding-detail")
    assert "pricing-elasticity" in browser.text("h1")
    browser.fill(reason="Review booked with the model owner")
    browser.driver.find_element(By.CSS_SELECTOR, "[data-testid=work-form] select[name=status]") \
        .send_keys("Being fixed")
    browser.submit("[data-testid=work-form]", "finding-being-fixed")
    assert browser.text("[data-testid=finding-status]") == "Being fixed"
    assert Finding.objects.get(kind="stale").status == "in_progress"
    assert "Review booked with the model owner" in browser.text("[data-testid=history]")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    browser.open(reverse("governance:report_list"), "reports-page")
    browser.click("[data-testid=generate-inventory-register]", "report-generate-form")
    browser.driver.find_element(By.ID, "format-html").click()
    browser.click("[data-testid=generate-now]", "report-generated")
    report = Report.objects.get()
    assert "Model inventory register generated" in browser.text(".alert-success")
    assert report.sha256 in browser.text("[data-testid=object-table]")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
    browser.open(reverse("governance:report_download", args=[report.pk]), "report-as-web-page")
    assert "credit-default-xgb" in browser.text("body")

    browser.open(reverse("governance:report_generate", args=["findings"]), "schedule-form")
    browser.fill(**{"schedule-name": "Monthly findings for the audit committee",
                    "schedule-every": "30"})
    browser.click("[data-testid=schedule-it]", "scheduled")
    assert ReportSchedule.objects.get().every == 30
    assert "Monthly findings for the audit committee" in browser.text(
        "[data-testid=schedule-table]")
