"""The monitoring pages in Chromium, as a business owner and a compliance officer see them:
the retraining alert with its trend chart and acknowledgement, the capacity charts and
projection, and the retraining priority with its score parts. No console error, no serious
accessibility violation; every page is kept as a screenshot."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.roles import Role
from inventory.choices import BusinessImpact, ModelStage, RiskTier
from monitoring.choices import CostScope, Granularity
from monitoring.models import MetricThreshold
from monitoring.services.alerts import degradation_run
from tests.browser.conftest import format_violations
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.fleet import CostRecordFactory
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.metrics import MetricRollupFactory
from tests.monitoring.metric_data import daily

pytestmark = pytest.mark.browser


def _plots_drawn(browser, count: int) -> None:
    WebDriverWait(browser.driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .main-svg")) >= count)


def _monitored_estate():
    # Browser tests flush the database between tests: the tier default is made here.
    MetricThreshold.objects.get_or_create(
        model=None, risk_tier=RiskTier.HIGH, metric="auc",
        defaults={"direction": "below", "limit": 0.7, "baseline_tolerance": 0.05,
                  "decay_after_days": 14})
    owner = UserFactory(username="amara", roles=[Role.MODEL_OWNER], email="amara@example.org")
    team = TeamFactory(slug="credit-risk", name="Credit risk", members=[owner])
    model = MLModelFactory(name="credit-default-xgb", team=team, owner=owner,
                           risk_tier=RiskTier.HIGH, business_impact=BusinessImpact.HIGH,
                           stage=ModelStage.PRODUCTION)
    version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    places = [DeploymentFactory(model_version=version, region=region, segment=segment)
              for region, segment in (("eu-west-1", "retail"), ("us-east-1", "retail"),
                                      ("eu-west-1", "smb"))]
    for i, deployment in enumerate(places):
        daily(version, "requests", "usage",
              [8000 + 400 * day * (i + 1) for day in range(21)], deployment=deployment,
              per_day=1)
        daily(version, "p99_ms", "latency", [90 + 2 * day + 10 * i for day in range(21)],
              deployment=deployment)
        daily(version, "cpu", "resources", [0.4 + 0.01 * day for day in range(21)],
              deployment=deployment)
    # AUC: 0.82 in the first week, falling to 0.66 in the last day.
    daily(version, "auc", "performance", [0.82] * 7 + [0.8 - 0.01 * d for d in range(14)])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hour in range(1, 25):
        MetricRollupFactory(model_version=version, name="auc", granularity=Granularity.HOUR,
                            bucket_start=now - datetime.timedelta(hours=hour), count=10,
                            total=6.6, minimum=0.6, maximum=0.7)
    for name, tier, impact, usage in (("churn-predict-gbm", RiskTier.LOW, BusinessImpact.LOW,
                                       30_000), ("fraud-detect-nn", RiskTier.CRITICAL,
                                                 BusinessImpact.CRITICAL, 5_000)):
        other = ModelVersionFactory(model=MLModelFactory(
            name=name, risk_tier=tier, business_impact=impact, stage=ModelStage.PRODUCTION),
            stage=ModelStage.PRODUCTION)
        daily(other, "requests", "usage", [usage] * 21, per_day=1)
    degradation_run()
    # Costs of a month inside the 21 days of usage: credit billed per deployment.
    month = (timezone.now() - datetime.timedelta(days=10)).date().replace(day=1)
    for deployment, amount in zip(places, ("5400.00", "2100.00", "900.00"), strict=True):
        CostRecordFactory(scope=CostScope.DEPLOYMENT, model=model, deployment=deployment,
                          month=month, amount=Decimal(amount))
    return model


def test_owner_sees_the_alert_chart_and_acknowledges_it(browser):
    _monitored_estate()
    browser.login("amara")
    browser.open(reverse("monitoring:alert_list") + "?mine=true&status=open", "my-alerts")
    assert "credit-default-xgb" in browser.text("main")
    browser.click("main table tbody a", "alert-detail")
    _plots_drawn(browser, 1)
    browser.screenshot("alert-detail-chart")
    assert "below its threshold of 0.7" in browser.text("[data-testid=alert-explanation]")
    assert browser.console_errors() == []
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
    browser.fill(note="Retraining on the last quarter's applications")
    browser.submit("main form", "acknowledged")
    assert browser.text("[data-testid=alert-status]") == "Acknowledged"


def test_compliance_officer_reads_capacity_and_priority(browser):
    _monitored_estate()
    UserFactory(username="chloe", roles=[Role.COMPLIANCE_OFFICER])
    browser.login("chloe")
    browser.open(reverse("monitoring:capacity"), "capacity")
    _plots_drawn(browser, 3)
    browser.screenshot("capacity-charts")
    table = browser.text("[data-testid=capacity-projection]")
    assert "eu-west-1" in table and "us-east-1" in table and "smb" in table
    assert browser.console_errors() == []
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    browser.driver.find_element(By.ID, "load-cost").location_once_scrolled_into_view  # noqa: B018
    _plots_drawn(browser, 4)
    browser.screenshot("capacity-load-cost")
    costs = browser.text("[data-testid=capacity-load-cost]")
    assert "credit-default-xgb" in costs and "5,400.00" in costs and "smb" in costs

    browser.open(reverse("monitoring:capacity") + "?region=us-east-1&kind=latency",
                 "capacity-us-latency")
    _plots_drawn(browser, 1)
    assert "eu-west-1" not in browser.text("[data-testid=capacity-projection]")

    browser.open(reverse("monitoring:priority"), "priority")
    _plots_drawn(browser, 1)
    browser.screenshot("priority-chart")
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "[data-testid=priority-table] tbody tr")
    assert rows[0].text.startswith("1 credit-default-xgb")
    assert rows[0].find_element(By.CSS_SELECTOR, ".badge").text == "1"
    assert len(rows) == 3
    assert browser.horizontal_overflow() == 0
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)
