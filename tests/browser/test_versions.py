"""Versions and lifecycle in a real browser (the versions journey): a validator opens the version
timeline (branches, aliases, stages), refuses an illegal move on the form, answers the
point-in-time question, and reads the lifecycle board. Screenshots in
test-output/screenshots/, axe-core checked."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from core.roles import Role
from inventory.choices import ModelStage
from inventory.models import DeprecationSchedule
from inventory.services import versions
from inventory.services.branches import model_alias_set, model_branch_create
from inventory.services.versions import model_version_transition
from tests.browser.conftest import WAIT_SECONDS, format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import DatasetVersionFactory, MLModelFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def registry(transactional_db):
    vera = UserFactory(username="vera", first_name="Vera", last_name="Validator",
                       roles=[Role.VALIDATOR])
    admin = UserFactory(username="pam", roles=[Role.PLATFORM_ADMIN])
    model = MLModelFactory(name="credit-default-xgb")
    data = DatasetVersionFactory(size=50_000_000)

    def register(**extra):
        return versions.model_version_register(model=model, actor=admin, reason="CI build",
                                                data={
            "artifact_uri": "s3://models/credit/1", "artifact_sha256": "a" * 64,
            "artifact_size": 2_000_000, "training_date": datetime.date(2026, 1, 15),
            "evaluation_metrics": {"auc": 0.84}, "input_schema": {"type": "object"},
            "output_schema": {"type": "object"}, "training_environment": "python 3.11",
            "inference_requirements": "1 vCPU", "code_repository": "git@example.org:credit",
            "code_commit": "0a1b2c3", "code_commit_signed": True,
            "environment_digest": "sha256:" + "e" * 64,
            "datasets": [{"dataset_version": data, "role": "train"}], **extra})

    v1 = register()
    for stage in (ModelStage.VALIDATED, ModelStage.STAGING, ModelStage.PRODUCTION):
        model_version_transition(version=v1, to_stage=stage, actor=vera, reason="CAB-12")
    model_alias_set(model=model, name="champion", version=v1, actor=vera,
                    reason="Best AUC on the hold-out set")
    branch = model_branch_create(model=model, actor=admin, reason="Stress test",
                                 data={"name": "drift-test/q3-income", "parent_version": v1,
                                       "drift_scenario": "Applicant income shifted -15%"})
    v2 = register(branch=branch)
    model_alias_set(model=model, name="challenger", version=v2, actor=vera,
                    reason="Shadow run")
    DeprecationSchedule.objects.create(
        model_version=v1, validation_expires_on=timezone.localdate() + datetime.timedelta(days=7))
    return {"model": model, "v1": v1, "v2": v2}


def _accessible(browser) -> None:
    violations = browser.axe_violations()
    assert violations == [], f"axe-core on {browser.path}:\n{format_violations(violations)}"


def test_timeline_move_point_in_time_and_board(browser, registry):
    model, v2 = registry["model"], registry["v2"]
    browser.login("vera")
    browser.open(model.get_absolute_url() + "#versions", "model")
    browser.driver.execute_script("document.getElementById('versions-tab').click()")
    WebDriverWait(browser.driver, WAIT_SECONDS).until(
        expected_conditions.visibility_of_element_located((By.ID, "versions")))
    browser.screenshot("timeline")
    timeline = browser.text("[data-testid=versions]")
    assert "@champion" in timeline and "@challenger" in timeline
    assert "drift-test/q3-income" in timeline and "Frozen" in timeline
    assert "Applicant income shifted -15%" in browser.text("[data-testid=branches]")
    _accessible(browser)

    # A move the lifecycle service refuses (validators do not archive) is a field error.
    browser.open(reverse("inventory:modelversion_transition", args=[v2.pk]), "move")
    Select(browser.find("#id_to_stage")).select_by_value("archived")
    browser.fill(change_reason="Abandon the drift test")
    browser.submit("[data-testid=transition-form]", "move-refused")
    assert "needs permission to deprecate this model" in browser.text(
        "[data-testid=field-error]")
    v2.refresh_from_db()
    assert v2.stage == ModelStage.REGISTERED
    _accessible(browser)
    Select(browser.find("#id_to_stage")).select_by_value("validated")
    browser.fill(change_reason="Validation report VR-31")
    browser.submit("[data-testid=transition-form]", "moved")
    v2.refresh_from_db()
    assert v2.stage == ModelStage.VALIDATED

    # Which version was champion a minute ago, who moved it there and why?
    moment = (timezone.localtime() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    browser.open(reverse("inventory:mlmodel_as_of", args=[model.pk]) + f"?at={moment}",
                 "as-of")
    aliases = browser.text("[data-testid=aliases-at]")
    assert "champion" in aliases and "Best AUC on the hold-out set" in aliases
    assert "vera" in aliases
    _accessible(browser)

    browser.open(reverse("inventory:lifecycle_board"), "board")
    assert browser.text("[data-testid=revalidation-count]") == "1"
    browser.click("[data-testid=revalidation-count]", "board-revalidation-list")
    assert "credit-default-xgb v1" in browser.text("main")
    _accessible(browser)
