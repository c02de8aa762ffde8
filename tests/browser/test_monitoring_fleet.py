"""The monitoring pages in Chromium, as a compliance officer and a platform admin see them:
where models run, the health board, the cost report and a refused CSV bill. Each page is
screenshotted and checked with axe-core."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from core.roles import Role
from inventory.choices import DeploymentStatus, MetricKind, ModelStage
from monitoring.choices import CostScope
from monitoring.services.health import health_check
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.fleet import CostRecordFactory, TierMonitoringRequirementFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory

pytestmark = pytest.mark.browser


def _fleet() -> None:
    retail = TeamFactory(name="Credit risk", business_unit="Retail banking")
    payments = TeamFactory(name="Fraud", business_unit="Payments")
    credit = MLModelFactory(name="credit-default-xgb", team=retail, risk_tier="high")
    fraud = MLModelFactory(name="fraud-card-gbm", team=payments, risk_tier="medium")
    TierMonitoringRequirementFactory(risk_tier="high", expected_interval_minutes=60,
                                     required_metrics=["auc", "psi"])
    v1 = ModelVersionFactory(model=credit, stage=ModelStage.PRODUCTION)
    f1 = ModelVersionFactory(model=fraud, stage=ModelStage.PRODUCTION)
    places = [("eu-west-1", "retail"), ("eu-west-1", "smb"), ("eu-central-1", "retail")]
    for region, segment in places:
        deployment = DeploymentFactory(model_version=v1, region=region, segment=segment,
                                       replicas=3)
        MetricObservationFactory(model_version=v1, deployment=deployment, name="auc")
    DeploymentFactory(model_version=f1, region="us-east-1", segment="retail")
    DeploymentFactory(model_version=f1, region="eu-west-1", segment="retail",
                      status=DeploymentStatus.UNAUTHORISED)
    for model, requests in ((credit, 120_000), (fraud, 40_000)):
        MetricObservationFactory(model_version=model.versions.first(), kind=MetricKind.USAGE,
                                 name="requests", value=requests,
                                 observed_at=datetime(2026, 3, 12, tzinfo=UTC))
    CostRecordFactory(model=credit, amount=Decimal("1250.40"))
    CostRecordFactory(model=fraud, amount=Decimal("310.00"), category="storage")
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("900.00"),
                      category="network", project="")
    health_check()


def test_fleet_health_and_costs_as_a_compliance_officer(browser):
    _fleet()
    UserFactory(username="carla", roles=[Role.COMPLIANCE_OFFICER])
    browser.login("carla")

    browser.open(reverse("monitoring:fleet"), "where-models-run")
    matrix = browser.text("[data-testid=fleet-matrix]")
    assert "credit-default-xgb" in matrix and "eu-central-1" in matrix and "smb" in matrix
    assert "Unauthorised" in matrix
    assert browser.axe_violations() == [], format_violations(browser.axe_violations())

    browser.open(reverse("monitoring:health"), "health-board")
    summary = browser.text("[data-testid=health-summary]")
    assert "Never reported" in summary and "Required metrics missing" in summary
    assert browser.exists("[data-testid=object-table]")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    browser.open(reverse("monitoring:cost_report") + "?month=2026-03", "cost-report")
    assert browser.text("[data-testid=recorded-total]") == "2460.40 EUR"
    assert browser.text("[data-testid=allocated-total]") == "2460.40 EUR"
    assert "Retail banking" in browser.text("[data-testid=cost-table]")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)


def test_a_bad_bill_is_refused_with_its_rows_named(browser, tmp_path: Path):
    MLModelFactory(name="credit-default-xgb")
    UserFactory(username="pat", roles=[Role.PLATFORM_ADMIN])
    bill = tmp_path / "march.csv"
    bill.write_text("month,scope,model,category,amount,reference\n"
                    "2026-03,model,credit-default-xgb,compute,1250.40,bill-1\n"
                    "2026-03,model,credit-defualt-xgb,compute,12.5O,bill-2\n")
    browser.login("pat")
    browser.open(reverse("monitoring:costrecord_list"), "cost-records")
    browser.click("[data-testid=upload-costs]", "upload-form")
    browser.find("input[name=file]").send_keys(str(bill))
    browser.fill(change_reason="March cloud bill").submit("[data-testid=upload-form]",
                                                          "upload-refused")
    errors = browser.text("[data-testid=form-errors]")
    assert "row 2: amount" in errors and "row 2: model" in errors
    assert "Nothing was stored" in browser.text("main")
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
