"""Browser-test harness: a real headless Debian Chromium driving pytest-django's live server.

Every page a test reaches is saved as a screenshot in `test-output/screenshots/`, so a person
can look at what the tests saw. Selenium is pointed at the system chromedriver, so it never
tries to download a driver or a browser. Without Chromium the tests skip (fail under
CUSTODIA_REQUIRE_SERVICES=1, as CI sets).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from uuid import uuid4

import pytest
from django.conf import settings
from django.urls import reverse
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.services import chromium_paths, require

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-output" / "screenshots"
# Installed by `make test` from package.json / package-lock.json (npm ci), never copied into git.
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "secret-password-123"  # tests.factories.UserFactory's default
WAIT_SECONDS = 10


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Chromium for the whole session, with a fresh profile."""
    paths = chromium_paths()
    require("chromium", paths is not None)
    binary, driver_path = paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1280,900", "--lang=en-GB",
        # No smooth scrolling or fade/collapse animations (Bootstrap honours the preference):
        # a click or a read during an animation would make the tests flaky.
        "--force-prefers-reduced-motion",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(1280, 900)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def isolated_cache(settings, request):
    """A private in-process cache per test: login-failure counters must not leak between tests
    (the default file cache is shared by every process and outlives the run)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"browser-{request.node.nodeid}"}}


class Browser:
    """The test's view of Chromium: open pages, submit forms, and keep a screenshot of each."""

    def __init__(self, driver, base_url: str, test_name: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", test_name).strip("-")
        self.shots: list[Path] = []
        # Shots from an earlier run of this test would mislead whoever looks at the folder.
        for stale in SCREENSHOT_DIR.glob(f"{self.prefix}__*.png"):
            stale.unlink()

    # -- navigation ----------------------------------------------------------------------
    def open(self, path: str, label: str = "") -> Browser:
        self.driver.get(self.base_url + path)
        self._wait_loaded()
        self.screenshot(label or path)
        return self

    def submit(self, form_selector: str = "main form", label: str = "") -> Browser:
        """Submit a form with its submit button and wait for the next page."""
        return self.click(f"{form_selector} [type=submit]", label or "after-submit")

    def click(self, selector: str, label: str, element=None) -> Browser:
        """Click something that loads a new page (a link, a submit button) and wait for it."""
        token = uuid4().hex
        self.driver.execute_script("window.__custodiaPage = arguments[0];", token)
        (element or self.driver.find_element(By.CSS_SELECTOR, selector)).click()
        try:
            # A marker on the old window, not a stale element: Chromium sometimes answers a
            # lookup on a page being replaced with an inspector error instead of "stale".
            WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
                lambda d: d.execute_script(
                    "return window.__custodiaPage !== arguments[0]"
                    " && document.readyState === 'complete';", token))
        except TimeoutException as error:
            self.screenshot(f"{label}-timeout")
            raise AssertionError(f"clicking {selector} did not load a new page") from error
        self.screenshot(label)
        return self

    def fill(self, **fields: str) -> Browser:
        for name, value in fields.items():
            element = self.driver.find_element(By.NAME, name)
            element.clear()
            element.send_keys(value)
        return self

    def login(self, username: str, password: str = PASSWORD) -> Browser:
        self.open(reverse("login"), "login")
        return self.fill(username=username, password=password).submit(
            "main form", f"login-as-{username}")

    # -- reading -------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    @property
    def title(self) -> str:
        return self.driver.title

    def text(self, selector: str = "body") -> str:
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def find(self, selector: str):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def exists(self, selector: str) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def stylesheet_applied(self) -> bool:
        """True when Bootstrap's CSS loaded (the navbar is laid out as a flex row)."""
        return self.driver.execute_script(
            "const nav = document.querySelector('nav.navbar');"
            "return !!nav && getComputedStyle(nav).display === 'flex';")

    def horizontal_overflow(self) -> int:
        """Pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")

    def console_errors(self) -> list[str]:
        """Severe browser-console entries (CSP refusals, failed assets, script errors)."""
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry.get("level") == "SEVERE"]

    # -- evidence ------------------------------------------------------------------------
    def screenshot(self, label: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-").lower() or "page"
        path = SCREENSHOT_DIR / f"{self.prefix}__{len(self.shots) + 1:02d}-{slug}.png"
        self.driver.save_screenshot(str(path))
        self.shots.append(path)
        return path

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
        """Run axe-core on the current page; violations of the given impacts, summarised."""
        require("axe-core", AXE_SCRIPT.exists())
        self.driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
        results = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
            " 'best-practice']}})"
            ".then(r => done(r.violations)).catch(e => done({error: String(e)}));")
        if isinstance(results, dict) and "error" in results:
            raise AssertionError(f"axe-core failed on {self.path}: {results['error']}")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results if v.get("impact") in impacts
        ]

    def _wait_loaded(self) -> None:
        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: d.execute_script("return document.readyState") == "complete")


@pytest.fixture
def browser(chromium, live_server, transactional_db, isolated_cache, request):
    """A signed-out browser on the live server; a last screenshot is kept when a test fails."""
    chromium.delete_all_cookies()
    chromium.get("about:blank")
    chromium.set_window_size(1280, 900)  # a test may have narrowed it
    chromium.get_log("browser")  # drop entries from earlier tests
    page = Browser(chromium, live_server.url, request.node.name)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and chromium.current_url.startswith(live_server.url):
        page.screenshot("failure")
    chromium.delete_all_cookies()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report on the item, so `browser` can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def format_violations(violations: list[dict] | dict) -> str:
    return json.dumps(violations, indent=2)
