"""Enterprise sign-in in a real browser: the sign-in page offers the organisation's OpenID
provider; the user signs in there and lands back in Custodia with the role of their group.
Screenshots in test-output/screenshots/."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from tests.browser.conftest import WAIT_SECONDS, format_violations
from tests.core.identity_servers import OpenIDProvider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    op = OpenIDProvider(tmp_path_factory.mktemp("openid-provider-browser"))
    op.start(redirect_uri=f"{live_server.url}/oidc/callback/")
    op.add_user("ines", "ines-provider-password", ["model-auditors"], email="ines@example.org")
    yield op
    op.stop()


def test_signing_in_through_the_openid_provider(browser, settings, provider):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "core.backends.OIDCBackend"]
    settings.CUSTODIA_IDP_GROUP_MAP = {"model-auditors": {"roles": [Role.AUDITOR]}}
    settings.CUSTODIA_OIDC_BUTTON_LABEL = "Sign in with Example Corp"
    browser.open("/login/", "sign-in-page")
    assert browser.text("#oidc-sign-in") == "Sign in with Example Corp"
    assert browser.axe_violations() == [], format_violations(browser.axe_violations())
    browser.click("#oidc-sign-in", "at-the-provider")
    assert browser.driver.current_url.startswith(provider.url)
    browser.fill(username="ines", password="ines-provider-password")
    browser.driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        lambda d: d.current_url.startswith(browser.base_url + "/")
        and d.execute_script("return document.readyState") == "complete")
    browser.screenshot("back-in-custodia")
    assert browser.path == "/"
    assert "Test · Auditor" in browser.text("nav")  # the given name the provider sent
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="ines")
    assert list(user.groups.values_list("name", flat=True)) == [Role.AUDITOR]
