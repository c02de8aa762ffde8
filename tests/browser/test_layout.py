"""Keyboard use and tablet widths (UX.md: works at 1280 px and on a tablet; keyboard navigable)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from tests.factories import AccessEventFactory, JobRunFactory, UserFactory

pytestmark = pytest.mark.browser

TABLET = (768, 1024)


def test_skip_link_is_the_first_tab_stop_and_jumps_to_content(browser):
    UserFactory(username="kim", roles=[Role.AUDITOR])
    browser.login("kim")

    browser.find("body").send_keys(Keys.TAB)
    focused = browser.driver.switch_to.active_element
    assert focused.text == "Skip to content"
    assert focused.is_displayed()  # visible once focused, hidden otherwise
    browser.screenshot("skip-link-focused")

    focused.send_keys(Keys.ENTER)
    assert browser.driver.current_url.endswith("#main")


def test_login_form_works_from_the_keyboard(browser):
    UserFactory(username="lee", roles=[Role.AUDITOR])
    browser.open(reverse("login"), "login")

    # The user name field has focus on arrival; Tab moves to the password; Enter submits.
    active = browser.driver.switch_to.active_element
    assert active.get_attribute("name") == "username"
    active.send_keys("lee", Keys.TAB)
    browser.driver.switch_to.active_element.send_keys("secret-password-123", Keys.ENTER)
    browser._wait_loaded()
    browser.screenshot("signed-in-by-keyboard")

    assert browser.path == reverse("home")


@pytest.mark.parametrize("page", ["login", "home", "jobrun_list", "accessevent_list", "403"])
def test_pages_fit_a_tablet_without_sideways_scrolling(browser, page):
    UserFactory(username="mo", roles=[Role.COMPLIANCE_OFFICER])
    UserFactory(username="norole")
    JobRunFactory.create_batch(3, status="failed", log="x" * 500)
    AccessEventFactory.create_batch(3, query="stage=production&risk_tier=high&" * 10)
    browser.driver.set_window_size(*TABLET)

    if page == "login":
        browser.open(reverse("login"), "tablet-login")
    elif page == "403":
        browser.login("norole")
        browser.open(reverse("core:jobrun_list"), "tablet-403")
    else:
        browser.login("mo")
        url = reverse("home") if page == "home" else reverse(f"core:{page}")
        browser.open(url, f"tablet-{page}")

    assert browser.horizontal_overflow() <= 0
    if page.endswith("_list"):
        # Results come first: the filter panel is folded behind a button that opens it.
        assert not browser.find("[data-testid=filter-form]").is_displayed()
        count = browser.find("[data-testid=result-count]")
        assert count.location["y"] < TABLET[1] / 2
        browser.find("[data-testid=filter-toggle]").click()
        WebDriverWait(browser.driver, 5).until(lambda d: "show" in d.find_element(
            "css selector", "#filter-panel").get_attribute("class").split()
            and "collapsing" not in d.find_element("css selector", "#filter-panel").get_attribute(
                "class"))
        assert browser.find("[data-testid=filter-form]").is_displayed()
        browser.screenshot(f"tablet-{page}-filters-open")
    # The navigation collapses behind the toggler, which opens it.
    if browser.exists(".navbar-toggler"):
        toggler = browser.find(".navbar-toggler")
        assert toggler.is_displayed()
        toggler.click()
        WebDriverWait(browser.driver, 5).until(lambda d: d.execute_script(
            "const nav = document.querySelector('#mainnav');"
            "return nav.classList.contains('show') && !nav.classList.contains('collapsing');"))
        browser.screenshot(f"tablet-{page}-menu-open")


def test_harness_turns_animations_off(browser):
    """Reduced motion keeps Bootstrap from animating while a test clicks or reads."""
    browser.open(reverse("login"), "login")
    assert browser.driver.execute_script(
        "return matchMedia('(prefers-reduced-motion: reduce)').matches;")
