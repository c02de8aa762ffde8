"""A model card and the ML-BOM download in a real browser: a compliance officer opens a
version's card from the model page, sees what is complete and what is missing, and the
page passes axe-core. Screenshots in test-output/screenshots/."""

from __future__ import annotations

import pytest

from core.roles import Role
from inventory.models import ModelVersionDataset
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)

pytestmark = pytest.mark.browser


def test_a_compliance_officer_reads_a_model_card(browser, transactional_db):
    UserFactory(username="carla", roles=[Role.COMPLIANCE_OFFICER])
    model = MLModelFactory(
        name="credit-default-xgb", purpose="Scores consumer credit applications.",
        out_of_scope_uses="Employment or insurance decisions.",
        factors="Age band, region and application channel.", caveats="",
        ethical_considerations="Uses income and postcode; reviewed for disparate impact.")
    version = ModelVersionFactory(model=model, evaluation_metrics={"auc": 0.82, "f1": 0.64})
    data = DatasetVersionFactory(dataset=DatasetFactory(name="applications-2025"),
                                 row_count=120000)
    ModelVersionDataset(model_version=version, dataset_version=data, role="train").save()
    browser.login("carla")
    browser.open(model.get_absolute_url(), "model-page")
    browser.driver.execute_script("document.querySelector('#versions-tab').click()")
    browser.click("[data-testid=model-card-link]", "model-card")
    assert browser.text("[data-testid=card-score]") == "6 of 8 sections complete"
    assert "Evaluation data" in browser.text("[data-testid=card-missing]")
    assert "Caveats and recommendations" in browser.text("[data-testid=card-missing]")
    assert browser.axe_violations() == [], format_violations(browser.axe_violations())
    assert not browser.console_errors()
