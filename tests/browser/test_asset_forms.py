"""Registering a dataset in a real browser: a data scientist opens the dataset list, follows
"Register a dataset", is refused next to the fields, completes the form and lands on the new
dataset's page; the other new pages (feature, pipeline, dataset version, retention policy,
legal hold) render and pass axe-core. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.support.ui import Select

from core.roles import Role
from inventory.models import Dataset
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory
from tests.factories.lifecycle import LegalHoldFactory, RetentionPolicyFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    dana = UserFactory(username="dana", first_name="Dana", last_name="Scientist",
                       roles=[Role.DATA_SCIENTIST])
    cora = UserFactory(username="cora", first_name="Cora", last_name="Lind",
                       roles=[Role.COMPLIANCE_OFFICER])
    team = TeamFactory(slug="credit-risk", name="Credit Risk Analytics", members=[dana])
    return {"dana": dana, "cora": cora, "team": team}


def _assert_accessible(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], f"axe-core on {browser.path}:\n{format_violations(violations)}"


def _into_view(browser, selector: str):
    element = browser.find(selector)
    browser.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    return element


def _select(browser, name: str, text: str) -> None:
    Select(_into_view(browser, f"select[name={name}]")).select_by_visible_text(text)


def test_data_scientist_registers_a_dataset_through_the_page(browser, people):
    browser.login("dana")
    browser.open(reverse("inventory:dataset_list"), "datasets")
    browser.click("a[href='{}']".format(reverse("inventory:dataset_add")), "register-a-dataset",
                  element=_into_view(browser, "a[href='{}']".format(
                      reverse("inventory:dataset_add"))))
    _assert_accessible(browser)

    browser.fill(name="Credit Applications", description="Kept after the refusal")
    _into_view(browser, "[data-testid=record-form] [type=submit]")
    browser.submit("[data-testid=record-form]", "dataset-refused")
    assert browser.exists("[data-field-error=name]")
    assert browser.exists("[data-field-error=owner]")
    assert browser.find("[name=description]").get_attribute("value") == "Kept after the refusal"
    assert not Dataset.objects.exists()
    _assert_accessible(browser)

    browser.fill(name="credit-applications-raw", purpose="Credit applications as received.",
                 domain="credit", change_reason="Catalogued the source data")
    _select(browser, "owner", "Dana Scientist (dana)")
    _select(browser, "team", "Credit Risk Analytics")
    _into_view(browser, "[data-testid=record-form] [type=submit]")
    browser.submit("[data-testid=record-form]", "dataset-registered")

    dataset = Dataset.objects.get(name="credit-applications-raw")
    assert browser.path == dataset.get_absolute_url()
    assert browser.text("[data-testid=object-name]") == "credit-applications-raw"
    actions = browser.text("[data-testid=object-actions]")
    assert "Edit" in actions and "Record a version" in actions
    assert dataset.history.get().history_change_reason == "Catalogued the source data"
    _assert_accessible(browser)

    for route, label in (("inventory:feature_add", "register-a-feature"),
                         ("inventory:pipeline_add", "register-a-pipeline")):
        browser.open(reverse(route), label)
        _assert_accessible(browser)
    browser.open(reverse("inventory:datasetversion_add", args=[dataset.pk]), "record-a-version")
    _assert_accessible(browser)
    browser.open(reverse("inventory:dataset_edit", args=[dataset.pk]), "edit-dataset")
    _assert_accessible(browser)
    assert not browser.console_errors()


def test_compliance_officer_sees_the_retention_pages(browser, people):
    RetentionPolicyFactory(name="Keep retired artifacts seven years")
    hold = LegalHoldFactory(reference="CASE-0042")
    browser.login("cora")
    for path, label in (
            (reverse("inventory:retentionpolicy_list"), "retention-policies"),
            (reverse("inventory:retentionpolicy_add"), "add-a-retention-policy"),
            (reverse("inventory:legalhold_list"), "legal-holds"),
            (reverse("inventory:legalhold_add"), "place-a-legal-hold"),
            (reverse("inventory:legalhold_edit", args=[hold.pk]), "edit-a-legal-hold"),
            (reverse("inventory:legalhold_release", args=[hold.pk]), "release-a-legal-hold")):
        browser.open(path, label)
        assert browser.horizontal_overflow() <= 0, path
        _assert_accessible(browser)
    assert not browser.console_errors()
