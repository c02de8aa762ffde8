"""Load vs cost on the capacity page: requests from the usage roll-ups next to the cost the
monthly cost report attributes (shared costs split as there), per model and, for costs billed
per deployment, per region and segment; in the table, the chart and the CSV; hidden from
readers without the cost right; constant in queries as models grow."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.choices import MetricKind, ModelStage
from monitoring.choices import CostScope, Granularity
from monitoring.selectors.costs import cost_allocation
from monitoring.selectors.load_cost import load_vs_cost
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.fleet import CostRecordFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory
from tests.factories.metrics import MetricRollupFactory
from tests.monitoring.test_dashboards_views import embedded_json

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


def _served(version, requests: float, *, deployment=None, day: int = 10) -> None:
    """Requests reported on one March day: the raw point and its daily roll-up."""
    when = datetime(2026, 3, day, tzinfo=UTC)
    MetricObservationFactory(model_version=version, deployment=deployment,
                             kind=MetricKind.USAGE, name="requests", value=requests,
                             observed_at=when)
    MetricRollupFactory(model_version=version, deployment=deployment, name="requests",
                        kind=MetricKind.USAGE, granularity=Granularity.DAY, bucket_start=when,
                        count=1, total=requests, minimum=requests, maximum=requests)


@pytest.fixture
def march(credit):
    """March 2026: credit billed per deployment in two regions plus a model-wide cost, fraud
    (another team's model) billed per model, and a shared cost split 1:3 by requests."""
    version, eu = credit["version"], credit["deployment"]
    us = DeploymentFactory(model_version=version, region="us-east-1", segment="smb")
    _served(version, 600, deployment=eu)
    _served(version, 400, deployment=us)
    fraud = MLModelFactory(name="fraud-card-gbm")
    _served(ModelVersionFactory(model=fraud, stage=ModelStage.PRODUCTION), 3000)
    CostRecordFactory(scope=CostScope.DEPLOYMENT, model=credit["model"], deployment=eu,
                      amount=Decimal("120.00"))
    CostRecordFactory(scope=CostScope.DEPLOYMENT, model=credit["model"], deployment=us,
                      amount=Decimal("30.50"))
    CostRecordFactory(model=credit["model"], amount=Decimal("10.00"))
    CostRecordFactory(model=fraud, amount=Decimal("45.00"))
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("100.01"),
                      category="network")
    return {**credit, "fraud": fraud}


def test_numbers_match_the_cost_reports_attribution(march):
    rows = {(r.model, r.region, r.segment): r for r in load_vs_cost(user=march["owner"])}
    report = cost_allocation(MARCH)
    for model in (march["model"], march["fraud"]):
        row = rows[(model.name, "", "")]
        assert row.month == MARCH
        assert row.cost == sum(line.total for line in report.lines if line.model_id == model.pk)
        assert row.shared == sum(line.shared for line in report.lines
                                 if line.model_id == model.pk)
    credit, fraud = rows[("credit-default-xgb", "", "")], rows[("fraud-card-gbm", "", "")]
    # 100.01 shared by 1,000 : 3,000 requests -> 25.00 and 75.01 (largest remainder).
    assert (credit.shared, fraud.shared) == (Decimal("25.00"), Decimal("75.01"))
    assert (credit.requests, credit.cost, credit.cost_per_thousand) == (
        1000, Decimal("185.50"), Decimal("185.50"))
    assert (fraud.requests, fraud.cost, fraud.cost_per_thousand) == (
        3000, Decimal("120.01"), Decimal("40.00"))
    eu, us = rows[("credit-default-xgb", "eu-west-1", "retail")], rows[
        ("credit-default-xgb", "us-east-1", "smb")]
    assert (eu.requests, eu.cost, eu.cost_per_thousand) == (600, Decimal("120.00"),
                                                           Decimal("200.00"))
    assert (us.requests, us.cost, us.cost_per_thousand) == (400, Decimal("30.50"),
                                                           Decimal("76.25"))
    assert sum(r.cost for r in rows.values() if r.is_model_total) == report.recorded_total


def test_the_page_shows_table_chart_and_csv(client, march):
    client.force_login(march["owner"])
    page = client.get(reverse("monitoring:capacity")).content.decode()
    assert 'data-testid="capacity-load-cost"' in page and "185.50" in page and "76.25" in page
    chart = embedded_json(page, "chart-load-cost")
    assert {t["name"]: t["y"] for t in chart["traces"]} == {
        "credit-default-xgb": [185.5], "fraud-card-gbm": [40.0]}
    assert chart["traces"][0]["x"] == ["2026-03"]
    export = client.get(reverse("monitoring:capacity"), {"export": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    start = rows.index(["month", "model", "region", "segment", "requests", "cost",
                        "shared_cost_part", "cost_per_1000_requests"])
    assert ["2026-03", "credit-default-xgb", "us-east-1", "smb", "400", "30.50", "0.00",
            "76.25"] in rows[start:]
    assert ["2026-03", "fraud-card-gbm", "", "", "3000", "120.01", "75.01", "40.00"] in rows
    only = client.get(reverse("monitoring:capacity"),
                      {"model": march["model"].pk}).content.decode()
    assert [t["name"] for t in embedded_json(only, "chart-load-cost")["traces"]] == [
        "credit-default-xgb"]


def test_models_the_reader_may_not_see_stay_hidden(client, march):
    hidden = MLModelFactory(name="secret-aml-nn", confidential=True)
    _served(ModelVersionFactory(model=hidden, stage=ModelStage.PRODUCTION), 5000)
    CostRecordFactory(model=hidden, amount=Decimal("999.00"))
    names = {row.model for row in load_vs_cost(user=march["owner"])}
    assert "secret-aml-nn" not in names and "credit-default-xgb" in names
    client.force_login(march["owner"])
    page = client.get(reverse("monitoring:capacity")).content.decode()
    assert "secret-aml-nn" not in page and "999.00" not in page


def test_a_reader_without_the_cost_right_sees_no_costs_and_a_refused_user_nothing(
        client, march, refused_user):
    client.force_login(march["outsider"])  # a data scientist: capacity yes, costs no
    response = client.get(reverse("monitoring:capacity"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Load vs cost" not in page and "185.50" not in page
    export = client.get(reverse("monitoring:capacity"), {"export": "csv"}).content.decode()
    assert "cost_per_1000_requests" not in export
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:capacity")).status_code == 403
    assert client.get(reverse("monitoring:capacity"), {"export": "csv"}).status_code == 403


def _priced_models(count: int) -> None:
    for _ in range(count):
        model = MLModelFactory()
        version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
        deployment = DeploymentFactory(model_version=version)
        _served(version, 100, deployment=deployment)
        CostRecordFactory(scope=CostScope.DEPLOYMENT, model=model, deployment=deployment,
                          amount=Decimal("12.00"))
        CostRecordFactory(model=model, month=date(2026, 2, 1), amount=Decimal("3.00"))


def test_constant_query_count_as_models_grow(client, compliance_officer,
                                             django_assert_max_num_queries):
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("50.00"))
    client.force_login(compliance_officer)
    _priced_models(4)
    with django_assert_max_num_queries(40) as few:
        page = client.get(reverse("monitoring:capacity")).content.decode()
    assert page.count("<tr") > 8
    _priced_models(8)
    with django_assert_max_num_queries(40) as many:
        page = client.get(reverse("monitoring:capacity")).content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)
    assert page.count('class="fw-semibold"') == 12 + 12  # each model in February and March
