"""A job run's page follows the run while it works (htmx polling, UX.md "Long work")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from core.choices import JobStatus
from core.models import JobRun
from core.roles import Role
from tests.browser.conftest import format_violations
from tests.factories import JobRunFactory, UserFactory

pytestmark = pytest.mark.browser


def test_progress_updates_without_reload_and_stops_when_finished(browser):
    run = JobRunFactory(name="rehash-artifacts", status=JobStatus.RUNNING, progress=40,
                        log="hashed 400 of 1000 artifacts")
    UserFactory(username="quinn", roles=[Role.AUDITOR])
    browser.login("quinn")
    browser.open(reverse("core:jobrun_detail", args=[run.pk]), "job-running")
    assert browser.text("[data-testid=job-status]") == "Running"
    assert browser.find("[role=progressbar]").get_attribute("aria-valuenow") == "40"
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    # The worker finishes; the page learns it by polling, without a reload.
    browser.driver.execute_script("window.__notReloaded = true;")
    JobRun.objects.filter(pk=run.pk).update(status=JobStatus.SUCCEEDED, progress=100,
                                            log="hashed 1000 of 1000 artifacts")
    # htmx swaps the element between finding it and reading it: look again.
    WebDriverWait(browser.driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element("css selector", "[data-testid=job-status]").text == "Succeeded")
    browser.screenshot("job-finished")

    assert browser.driver.execute_script("return window.__notReloaded === true;")
    assert browser.find("[role=progressbar]").get_attribute("aria-valuenow") == "100"
    assert "hashed 1000 of 1000" in browser.text("[data-testid=job-progress]")
    # A finished run is no longer polled.
    assert browser.find("[data-testid=job-progress]").get_attribute("hx-get") is None
    assert browser.console_errors() == []


def test_navigation_marks_the_section_of_the_page(browser):
    UserFactory(username="rae", roles=[Role.COMPLIANCE_OFFICER])
    browser.login("rae")
    browser.open(reverse("core:jobrun_list"), "job-runs")
    active = browser.driver.find_elements("css selector", "#mainnav .nav-link.active")
    assert [link.text for link in active] == ["Monitoring"]
    browser.open(reverse("core:accessevent_list"), "access-log")
    active = browser.driver.find_elements("css selector", "#mainnav .nav-link.active")
    assert [link.text for link in active] == ["Governance"]


def test_browsable_api_works_for_a_signed_in_user(browser):
    JobRunFactory(name="sync-schedules")
    UserFactory(username="sol", roles=[Role.DATA_SCIENTIST])
    browser.login("sol")
    browser.open("/api/v1/job-runs/", "browsable-api")
    assert "sync-schedules" in browser.text("body")
    assert browser.title.endswith("Custodia API")
    browser.click("a.navbar-brand[href='/api/docs/']", "api-docs-from-browsable-api")
    assert browser.path == "/api/docs/"
    assert browser.console_errors() == []
