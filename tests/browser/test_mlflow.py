"""What the MLflow client registered, as a person sees it: a data scientist registers a
model and a version with `MlflowClient`, then opens the model's page in a real browser and
finds the labels, the training run and the history of the client's changes. Screenshots in
test-output/screenshots/, axe-core checked."""

from __future__ import annotations

import pytest
from mlflow import MlflowClient
from rest_framework.authtoken.models import Token
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from inventory.models import MLModel
from tests.browser.conftest import WAIT_SECONDS, format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory
from tests.inventory.mlflow_support import install_registration_rules, model_tags, version_tags

pytestmark = pytest.mark.browser


def _open_tab(browser, tab: str) -> None:
    browser.driver.execute_script(f"document.getElementById('{tab}-tab').click()")
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        expected_conditions.visibility_of_element_located((By.ID, tab)))


def test_model_registered_by_the_client_on_its_page(browser, monkeypatch):
    install_registration_rules()
    anna = UserFactory(username="ds-anna", first_name="Anna", roles=[Role.DATA_SCIENTIST])
    UserFactory(username="steward-ben", roles=[Role.MODEL_OWNER])
    TeamFactory(name="Credit risk", slug="credit-risk", members=[anna])
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", Token.objects.create(user=anna).key)
    client = MlflowClient(tracking_uri=browser.base_url, registry_uri=browser.base_url)
    client.create_registered_model("credit-default-xgb", description="Credit default",
                                   tags=model_tags("ds-anna", "credit-risk", "steward-ben",
                                                   framework="xgboost"))
    client.create_model_version("credit-default-xgb", "s3://models/credit/1", run_id="run-7",
                                tags=version_tags(dataset="2026-q1"))
    client.set_registered_model_alias("credit-default-xgb", "challenger", "1")

    browser.login("ds-anna")
    browser.open(MLModel.objects.get(name="credit-default-xgb").get_absolute_url(), "model")
    assert "framework = xgboost" in browser.text("[data-testid=model-labels]")
    browser.screenshot("overview")
    _open_tab(browser, "versions")
    timeline = browser.text("[data-testid=versions]")
    assert "@challenger" in timeline and "run-7" in timeline
    assert "dataset = 2026-q1" in browser.text("[data-testid=version-labels]")
    browser.screenshot("versions")
    _open_tab(browser, "history")
    history = browser.text("[data-testid=history]")
    assert "Registered (MLflow registry API)" in history and "ds-anna" in history
    browser.screenshot("history")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
