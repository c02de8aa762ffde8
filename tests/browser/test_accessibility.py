"""axe-core finds no serious or critical WCAG 2.1 AA problems on the main pages (UX.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.choices import AccessAction, JobStatus
from core.models import JobRun
from core.roles import Role
from core.services.audit import access_event_record
from tests.browser.conftest import format_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def compliance_user(transactional_db):
    return UserFactory(username="cora", first_name="Cora", last_name="Lind",
                       roles=[Role.COMPLIANCE_OFFICER])


def _assert_accessible(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], f"axe-core on {browser.path}:\n{format_violations(violations)}"
    # A refused script or stylesheet (CSP, missing asset) breaks the page for everyone; the
    # page's own status (a deliberate 403) is not an asset failure.
    page = browser.driver.current_url
    assert [e for e in browser.console_errors() if not e.startswith(f"{page} ")] == []


def test_login_page_is_accessible(browser):
    browser.open(reverse("login"), "login")
    _assert_accessible(browser)


def test_login_page_with_an_error_is_accessible(browser):
    browser.open(reverse("login"), "login")
    browser.fill(username="nobody", password="wrong").submit("main form", "login-refused")
    assert browser.exists(".alert-danger")
    _assert_accessible(browser)


def test_home_dashboard_is_accessible(browser, compliance_user):
    browser.login("cora")
    assert browser.path == reverse("home")
    _assert_accessible(browser)


def test_list_page_with_rows_and_filters_is_accessible(browser, compliance_user):
    for index, status in enumerate([JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.RUNNING]):
        JobRun.objects.create(name=f"integrity-check-{index}", actor="job:test", status=status,
                              progress=100 if status != JobStatus.RUNNING else 40)
    browser.login("cora")

    browser.open(reverse("core:jobrun_list") + "?sort=-created_at", "job-runs")

    assert browser.text("[data-testid=result-count]").startswith("3 results")
    assert browser.exists("[data-testid=object-table] tbody tr")
    _assert_accessible(browser)


def test_access_log_list_is_accessible(browser, compliance_user):
    for _ in range(2):
        access_event_record(user=compliance_user, action=AccessAction.EXPORT, query="status=failed",
                            result_count=2)
    browser.login("cora")

    browser.open(reverse("core:accessevent_list"), "access-log")

    assert "2 results" in browser.text("[data-testid=result-count]")
    _assert_accessible(browser)


def test_empty_list_is_accessible(browser, compliance_user):
    browser.login("cora")
    browser.open(reverse("core:jobrun_list"), "job-runs-empty")
    assert "Nothing here yet" in browser.text("main")
    _assert_accessible(browser)


def test_refused_page_is_accessible(browser):
    UserFactory(username="nobody")
    browser.login("nobody")
    browser.open(reverse("core:accessevent_list"), "access-log-refused")
    assert "not allowed" in browser.text("main h1")
    _assert_accessible(browser)


def test_every_menu_page_is_accessible(browser):
    """Each page in the navigation, as the role that sees them all (new pages are covered
    as soon as they are in the menu)."""
    UserFactory(username="pat", roles=[Role.PLATFORM_ADMIN], is_staff=True)
    browser.login("pat")
    links = browser.driver.find_elements("css selector", "#mainnav .dropdown-menu a.dropdown-item")
    urls = sorted({link.get_attribute("href").removeprefix(browser.base_url) for link in links})
    assert reverse("core:jobrun_list") in urls

    problems = {}
    for url in urls:
        browser.open(url, f"menu-{url}")
        violations = browser.axe_violations()
        if violations:
            problems[url] = violations
    assert problems == {}, format_violations(problems)
