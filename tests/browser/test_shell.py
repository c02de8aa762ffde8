"""The UI shell in a real browser: sign in and out, refused pages, login throttling."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.support.ui import Select, WebDriverWait

from core.roles import Role
from tests.factories import JobRunFactory, UserFactory

pytestmark = pytest.mark.browser


def test_login_form_leads_to_dashboard_with_name_and_role(browser):
    UserFactory(username="clara", first_name="Clara", last_name="Oswald",
                roles=[Role.COMPLIANCE_OFFICER])

    browser.login("clara")

    assert browser.path == reverse("home")
    assert browser.stylesheet_applied()
    user_badge = browser.text("[data-testid=current-user]")
    assert "Clara Oswald" in user_badge
    assert "Compliance officer" in user_badge
    assert "Welcome, Clara Oswald" in browser.text("main")
    # The role's menu reaches the access log, a governed page this role may open.
    assert browser.exists(f"a[href='{reverse('core:accessevent_list')}']")
    assert browser.console_errors() == []


def test_wrong_password_keeps_user_on_the_form(browser):
    UserFactory(username="dora", roles=[Role.AUDITOR])

    browser.login("dora", password="not-the-password")

    assert browser.path.startswith(reverse("login"))
    assert "correct username and password" in browser.text(".alert-danger")
    # The user name is kept, so only the password has to be typed again.
    assert browser.find("input[name=username]").get_attribute("value") == "dora"


def test_sign_out_returns_to_login_and_forgets_the_session(browser):
    UserFactory(username="ellis", roles=[Role.AUDITOR])
    browser.login("ellis")
    assert browser.path == reverse("home")

    browser.submit("nav form[action$='/logout/']", "signed-out")

    assert browser.path.startswith(reverse("login"))
    assert not browser.exists("[data-testid=current-user]")
    browser.open(reverse("home"), "home-after-sign-out")
    assert browser.path.startswith(reverse("login"))


def test_user_without_role_sees_styled_403_on_a_governed_page(browser):
    UserFactory(username="nobody")
    browser.login("nobody")
    assert "no role yet" in browser.text("main")

    browser.open(reverse("core:jobrun_list"), "job-runs-refused")

    assert "You are not allowed to open this page" in browser.text("main h1")
    assert browser.stylesheet_applied()
    assert "No role" in browser.text("[data-testid=current-user]")
    # The way out works.
    browser.click("main a.btn", "back-home")
    assert browser.path == reverse("home")


def test_unknown_page_is_a_styled_404(browser):
    UserFactory(username="fay", roles=[Role.AUDITOR])
    browser.login("fay")

    browser.open("/no/such/page/", "not-found")

    assert "This page does not exist" in browser.text("main h1")
    assert browser.stylesheet_applied()


def test_login_is_throttled_after_repeated_failures(browser, settings):
    settings.CUSTODIA_LOGIN_MAX_FAILURES = 3
    UserFactory(username="gale", roles=[Role.AUDITOR])

    for attempt in range(settings.CUSTODIA_LOGIN_MAX_FAILURES):
        browser.open(reverse("login"), f"attempt-{attempt + 1}")
        browser.fill(username="gale", password="wrong").submit("main form", f"failed-{attempt + 1}")
        assert "correct username and password" in browser.text(".alert-danger")

    # Even the right password is refused while the cool-down lasts.
    browser.login("gale")

    assert browser.path.startswith(reverse("login"))
    assert "Too many failed sign-in attempts" in browser.text(".alert-danger")
    assert "Wait a few minutes" in browser.text(".alert-danger")


def test_attention_counter_leads_to_the_filtered_list(browser):
    JobRunFactory(name="integrity-check-nightly", status="failed")
    JobRunFactory(name="report-weekly", status="succeeded")
    UserFactory(username="hana", roles=[Role.COMPLIANCE_OFFICER])
    browser.login("hana")

    counter = browser.driver.find_element(
        "xpath", "//*[@data-testid='counters']//a[contains(., 'Failed job runs')]")
    assert counter.text.startswith("1\n")
    browser.click("", "failed-job-runs", element=counter)

    assert "status=failed" in browser.path
    assert browser.text("[data-testid=result-count]") == "1 result matching the filters"
    assert "integrity-check-nightly" in browser.text("[data-testid=object-table]")
    assert "report-weekly" not in browser.text("main")


def test_filter_panel_keeps_its_state_in_the_url(browser):
    JobRunFactory(name="reconcile-deployments", status="running", progress=40)
    JobRunFactory(name="rehash-artifacts", status="succeeded")
    UserFactory(username="ivo", roles=[Role.AUDITOR])
    browser.login("ivo")
    browser.open(reverse("core:jobrun_list"), "job-runs")
    assert "Queued from" in browser.text("[data-testid=filter-form]")  # plain-language labels

    Select(browser.find("#id_status")).select_by_value("running")
    browser.submit("[data-testid=filter-form]", "filtered-running")

    assert "status=running" in browser.path
    assert "reconcile-deployments" in browser.text("[data-testid=object-table]")
    assert "rehash-artifacts" not in browser.text("main")
    # The shared link opens the same filtered view.
    browser.open(browser.path, "reopened-link")
    assert browser.text("[data-testid=result-count]").startswith("1 result")


def test_api_docs_render_swagger_ui_under_the_csp(browser):
    UserFactory(username="jo", roles=[Role.DATA_SCIENTIST])
    browser.login("jo")
    browser.open(reverse("api-docs"), "api-docs-loading")

    WebDriverWait(browser.driver, 15).until(
        lambda d: d.find_elements("css selector", ".opblock-summary-path"))
    browser.screenshot("api-docs")
    # A long list of operations is virtualised (only those near the viewport are in the
    # page): scroll through it, collecting the paths drawn on the way.
    paths: set[str] = set()

    def scrolled_to(wanted: set[str]) -> bool:
        paths.update(element.text for element in browser.driver.find_elements(
            "css selector", ".opblock-summary-path"))
        browser.driver.execute_script("window.scrollBy(0, 500);")
        return wanted <= paths

    WebDriverWait(browser.driver, 30, poll_frequency=0.1).until(
        lambda d: scrolled_to({"/api/v1/job-runs/", "/api/v1/access-events/"}))
    assert browser.console_errors() == []
