"""The lineage graph page in Chromium: drawn from the page's data, zoom and pan, select a
node, expand its neighbours from the API, click through to the record."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from lineage.services.ingestion import openlineage_event_ingest
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import DatasetVersionFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.browser


def _points(browser) -> int:
    return len(browser.driver.find_elements(By.CSS_SELECTOR, "#lineage-graph .scatterlayer .point"))


def _click_point(browser, label: str) -> None:
    """Click the node drawn with `label` (Plotly finds the point under the pointer)."""
    texts = browser.driver.find_elements(By.CSS_SELECTOR, "#lineage-graph .scatterlayer .textpoint")
    for text in texts:
        if text.text == label:
            trace = text.find_element(By.XPATH, "./ancestor::*[contains(@class,'trace')][1]")
            index = texts.index(text) - texts.index(
                trace.find_elements(By.CSS_SELECTOR, ".textpoint")[0])
            point = trace.find_elements(By.CSS_SELECTOR, ".point")[index]
            ActionChains(browser.driver).move_to_element(point).click().perform()
            return
    raise AssertionError(f"no node labelled {label}")


def test_graph_zoom_select_expand_and_click_through(browser):
    registered = DatasetVersionFactory(dataset__name="loans-applications-raw")
    build = run_event("build-features", [("custodia", f"dataset-versions/{registered.pk}"),
                                         ("bureau", "scores")], [("lake", "features")])
    openlineage_event_ingest(payload=build, actor=None)
    # Another run also reads the bureau scores: only "expand" on that node reveals it.
    openlineage_event_ingest(payload=run_event("fraud-features", [("bureau", "scores")],
                                               [("lake", "fraud")]), actor=None)
    UserFactory(username="ines", roles=[Role.AUDITOR])
    browser.login("ines")
    node = f"run:airflow:{build['run']['runId']}"
    browser.open(f"{reverse('lineage:graph')}?node={node}&depth=1", "lineage-graph")
    driver = browser.driver
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "lineage-graph").get_attribute("data-ready") == "true")
    assert _points(browser) == 5  # job, run, two inputs, one output
    assert browser.console_errors() == []
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    # Zoom in with the toolbar: the visible x range narrows.
    before = driver.execute_script(
        "return document.getElementById('lineage-graph')._fullLayout.xaxis.range.slice();")
    driver.find_element(By.CSS_SELECTOR, "#lineage-graph [data-title='Zoom in']").click()
    after = driver.execute_script(
        "return document.getElementById('lineage-graph')._fullLayout.xaxis.range.slice();")
    assert after[1] - after[0] < before[1] - before[0]
    driver.find_element(By.CSS_SELECTOR, "#lineage-graph [data-title='Reset axes']").click()

    # Select the bureau scores and expand: the other run that reads them appears.
    _click_point(browser, "scores")
    WebDriverWait(driver, 5).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-field=id]").text == "dataset:bureau:scores")
    driver.find_element(By.CSS_SELECTOR, "[data-action=expand]").click()
    WebDriverWait(driver, 10).until(lambda d: _points(browser) == 6)
    browser.screenshot("lineage-graph-expanded")

    # Select the registered dataset version and click through to its record.
    _click_point(browser, str(registered))
    WebDriverWait(driver, 5).until(
        lambda d: "d-none" not in d.find_element(By.CSS_SELECTOR, "[data-action=open]")
        .get_attribute("class"))
    browser.click("[data-action=open]", "lineage-open-record")
    assert browser.path.startswith(reverse("inventory:dataset_detail",
                                           args=[registered.dataset_id]))


def test_findings_and_reproducibility_pages_are_accessible(browser):
    from inventory.services.versions import model_version_datasets_link
    from tests.factories.catalogue import ModelVersionFactory
    from tests.factories.lineage import IntegrityFindingFactory

    data = DatasetVersionFactory(dataset__name="loans-applications-clean", sha256="1" * 64)
    version = ModelVersionFactory(training_environment="")
    model_version_datasets_link(version=version, actor=None, reason="t",
                                links=[{"dataset_version": data, "role": "train"}])
    IntegrityFindingFactory(dataset_version=data)
    UserFactory(username="ines", roles=[Role.AUDITOR])
    browser.login("ines")
    browser.open(reverse("lineage:finding_list"), "lineage-findings")
    assert "Checksum mismatch" in browser.text("main")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
    browser.open(reverse("lineage:reproducibility", args=[version.pk]), "reproducibility")
    assert "Not reproducible as recorded" in browser.text("h1")
    assert "open integrity finding" in browser.text("[data-testid=reproducibility-table]")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
    assert browser.horizontal_overflow() == 0


def test_search_suggests_nodes_by_name_and_opens_one(browser):
    from inventory.services.versions import model_version_datasets_link
    from tests.factories.catalogue import MLModelFactory, ModelVersionFactory

    openlineage_event_ingest(payload=run_event(
        "build-loan-features", [("warehouse", "public.loans_raw")], [("lake", "loan_features")]),
        actor=None)
    data = DatasetVersionFactory(dataset__name="loans-applications-clean")
    version = ModelVersionFactory(model=MLModelFactory(name="loan-default-xgb"))
    model_version_datasets_link(version=version, actor=None, reason="t",
                                links=[{"dataset_version": data, "role": "train"}])
    UserFactory(username="ines", roles=[Role.AUDITOR])
    browser.login("ines")
    browser.open(reverse("lineage:graph"), "lineage-opens-on-latest-model")
    driver = browser.driver
    assert "loan-default-xgb v1" in browser.text("[data-testid=lineage-latest]")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "lineage-graph").get_attribute("data-ready") == "true")
    assert _points(browser) == 2  # the model version and the data it was trained on

    box = driver.find_element(By.ID, "lineage-q")
    box.send_keys("l")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=lineage-search-hint]"))
    box.send_keys("oan")
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=lineage-search-results] a"))
    browser.screenshot("lineage-search-suggestions")
    labels = [a.text for a in driver.find_elements(
        By.CSS_SELECTOR, "[data-testid=lineage-search-results] a")]
    assert set(labels) == {"build-loan-features", "public.loans_raw", "loan_features",
                           "loans-applications-clean v1", "loan-default-xgb v1"}
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    link = next(a for a in driver.find_elements(
        By.CSS_SELECTOR, "[data-testid=lineage-search-results] a") if a.text == "build-loan-features")
    browser.click("", "lineage-search-opened-job", element=link)
    assert "node=job%3Aairflow%3Abuild-loan-features" in browser.path
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "lineage-graph").get_attribute("data-ready") == "true")
    assert browser.text("[data-field=id]") == "job:airflow:build-loan-features"
    assert browser.console_errors() == []
