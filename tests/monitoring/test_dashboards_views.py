"""The monitoring pages: retraining alerts (list, detail, acknowledge), thresholds,
capacity (trends, projection, CSV) and the retraining priority (parts, weights, CSV), each
refused to a user without the right and with a constant number of queries."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from core.models.governed import update_audited
from inventory.choices import BusinessImpact, ModelStage, RiskTier
from monitoring.choices import AlertStatus
from monitoring.models import PriorityWeights, RetrainingAlert
from monitoring.selectors.capacity import capacity_series, linear_trend
from monitoring.selectors.priority import retraining_priorities
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.metrics import PriorityWeightsFactory, RetrainingAlertFactory
from tests.monitoring.metric_data import daily

pytestmark = pytest.mark.django_db


def embedded_json(page: str, element_id: str):
    """The data a page embeds with `json_script` for its charts."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found, f"no {element_id} data on the page"
    return json.loads(found.group(1))


def test_alert_list_is_refused_without_the_right_and_constant_in_queries(
        client, refused_user, compliance_officer, django_assert_max_num_queries):
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:alert_list")).status_code == 403
    client.force_login(compliance_officer)
    RetrainingAlertFactory.create_batch(3)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("monitoring:alert_list")).status_code == 200
    RetrainingAlertFactory.create_batch(9)
    with django_assert_max_num_queries(30) as many:
        response = client.get(reverse("monitoring:alert_list"))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert response.content.count(b'href="/monitoring/alerts/') >= 12


def test_alert_list_filters_to_my_models_and_exports_csv(client, credit):
    mine = RetrainingAlertFactory(model_version=credit["version"], metric="auc")
    RetrainingAlertFactory(metric="psi")
    client.force_login(credit["owner"])
    page = client.get(reverse("monitoring:alert_list"), {"mine": "true"}).content.decode()
    assert str(mine.model_version) in page and "psi" not in page
    export = client.get(reverse("monitoring:alert_list"), {"mine": "true", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 2 and "auc" in rows[1]


def test_alert_detail_explains_charts_and_lets_the_owner_acknowledge(client, credit):
    daily(credit["version"], "auc", "performance", [0.8, 0.78, 0.7, 0.66])
    alert = RetrainingAlertFactory(model_version=credit["version"], metric="auc",
                                   owner=credit["owner"], current_value=0.66, limit=0.7,
                                   baseline=0.8)
    url = reverse("monitoring:alert_detail", args=[alert.pk])
    client.force_login(credit["outsider"])
    page = client.get(url).content.decode()
    assert "below its threshold of 0.7" in page and "Someone is on it" not in page
    assert client.post(url, {"note": "mine"}).status_code == 403
    client.force_login(credit["owner"])
    page = client.get(url).content.decode()
    chart = embedded_json(page, "alert-chart")
    assert chart["traces"][0]["y"] == pytest.approx([0.8, 0.78, 0.7, 0.66])
    assert [line["name"] for line in chart["lines"]] == ["threshold", "baseline"]
    response = client.post(url, {"note": "Retraining on Q1 data"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.note) == (AlertStatus.ACKNOWLEDGED, "Retraining on Q1 data")


def test_an_alert_of_a_confidential_model_of_another_team_is_not_found(client, credit):
    hidden = ModelVersionFactory(model=MLModelFactory(confidential=True))
    alert = RetrainingAlertFactory(model_version=hidden)
    client.force_login(credit["outsider"])
    assert client.get(reverse("monitoring:alert_detail", args=[alert.pk])).status_code == 404


def test_the_model_page_shows_its_active_alerts(client, credit):
    RetrainingAlertFactory(model_version=credit["version"], metric="auc")
    client.force_login(credit["owner"])
    page = client.get(credit["model"].get_absolute_url()).content.decode()
    assert "Retraining alerts" in page and 'data-testid="model-alerts"' in page


def test_threshold_list_shows_the_tier_defaults(client, compliance_officer, refused_user):
    client.force_login(compliance_officer)
    page = client.get(reverse("monitoring:threshold_list"), {"metric": "auc"}).content.decode()
    assert page.count("auc") >= 4 and "Critical" in page
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:threshold_list")).status_code == 403


# --------------------------------------------------------------------------------------
# Capacity
# --------------------------------------------------------------------------------------
def test_linear_trend_and_projection():
    import datetime

    days = [datetime.date(2026, 1, d) for d in range(1, 6)]
    assert linear_trend(days, [10, 12, 14, 16, 18]) == pytest.approx((2.0, 10.0))
    assert linear_trend(days[:2], [1, 2]) is None


def test_capacity_series_per_region_with_projection(credit):
    other = DeploymentFactory(model_version=credit["version"], region="us-east-1",
                              segment="retail")
    daily(credit["version"], "requests", "usage", [1000, 1100, 1200, 1300, 1400],
          deployment=credit["deployment"])
    daily(credit["version"], "requests", "usage", [500, 500, 500, 500, 500], deployment=other)
    daily(credit["version"], "auc", "performance", [0.8] * 5)  # not a capacity metric
    series = {s.region: s for s in capacity_series(user=credit["owner"], days=30)}
    assert set(series) == {"eu-west-1", "us-east-1"}
    growing = series["eu-west-1"]
    assert growing.values == pytest.approx([24_000, 26_400, 28_800, 31_200, 33_600])
    assert growing.slope_per_day == pytest.approx(2_400)
    assert growing.projected(30) == pytest.approx(33_600 + 30 * 2_400)
    assert series["us-east-1"].change(30) == pytest.approx(0.0)
    only_us = capacity_series(user=credit["owner"], days=30, region="us-east-1")
    assert [s.region for s in only_us] == ["us-east-1"]


def test_capacity_page_charts_projects_and_exports(client, credit, refused_user):
    daily(credit["version"], "p99_ms", "latency", [100, 110, 120, 130],
          deployment=credit["deployment"])
    client.force_login(credit["owner"])
    response = client.get(reverse("monitoring:capacity"), {"region": "eu-west-1"})
    page = response.content.decode()
    assert 'data-line-chart="chart-latency-p99_ms"' in page
    # 100, 110, 120, 130 a day: 430 in 30 days, 231 % more than the latest day.
    assert 'data-testid="capacity-projection"' in page and "430.00 " in page
    assert "+231 %" in page
    export = client.get(reverse("monitoring:capacity"), {"export": "csv"}).content.decode()
    assert export.splitlines()[0] == "model,metric,kind,region,segment,day,value,peak"
    assert len(export.splitlines()) == 5
    bad = client.get(reverse("monitoring:capacity"), {"days": "forever", "model": "x"})
    assert bad.status_code == 200  # an unusable filter shows everything, never a 500
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:capacity")).status_code == 403


def test_capacity_hides_models_the_reader_may_not_see(credit):
    hidden = ModelVersionFactory(model=MLModelFactory(confidential=True))
    daily(hidden, "requests", "usage", [1, 2, 3])
    daily(credit["version"], "requests", "usage", [1, 2, 3])
    assert {s.model for s in capacity_series(user=credit["outsider"])} == {
        "credit-default-xgb"}


# --------------------------------------------------------------------------------------
# Retraining priority
# --------------------------------------------------------------------------------------
@pytest.fixture
def ranked(credit):
    """Two more models in production: a busy low-impact one, a quiet critical one."""
    busy = ModelVersionFactory(model=MLModelFactory(
        name="churn-predict-gbm", stage=ModelStage.PRODUCTION, risk_tier=RiskTier.LOW,
        business_impact=BusinessImpact.LOW), stage=ModelStage.PRODUCTION)
    critical = ModelVersionFactory(model=MLModelFactory(
        name="fraud-detect-nn", stage=ModelStage.PRODUCTION, risk_tier=RiskTier.CRITICAL,
        business_impact=BusinessImpact.CRITICAL), stage=ModelStage.PRODUCTION)
    daily(busy, "requests", "usage", [10_000] * 5, per_day=1)
    daily(credit["version"], "requests", "usage", [2_500] * 5, per_day=1)
    RetrainingAlertFactory(model_version=credit["version"], degradation=0.1)
    return {"busy": busy.model, "critical": critical.model, "credit": credit["model"]}


def test_each_part_of_the_score_is_shown(ranked, compliance_officer):
    rows = {r.model.name: r for r in retraining_priorities(user=compliance_officer)}
    credit = rows["credit-default-xgb"]  # high risk, medium impact, a quarter of the usage
    assert (credit.usage, credit.impact, credit.risk, credit.decay) == (25.0, 50, 75, 50.0)
    assert credit.open_alerts == 1
    # Default weights 1, 1, 1, 2: (25 + 50 + 75 + 2 * 50) / 5.
    assert credit.score == pytest.approx(50.0)
    assert rows["churn-predict-gbm"].usage == 100.0
    assert rows["fraud-detect-nn"].score == pytest.approx(40.0)
    assert [r.rank for r in sorted(rows.values(), key=lambda r: r.rank)] == [1, 2, 3]


def test_the_weights_change_the_ranking(ranked, compliance_officer):
    first = retraining_priorities(user=compliance_officer)[0].model.name
    assert first == "credit-default-xgb"
    weights = PriorityWeights.objects.get(name="default")
    update_audited(PriorityWeights.objects.filter(pk=weights.pk), reason="Usage matters most",
                   usage_weight=10.0)
    assert retraining_priorities(user=compliance_officer)[0].model.name == "churn-predict-gbm"


def test_weights_refuse_nonsense():
    from django.core.exceptions import ValidationError

    weights = PriorityWeightsFactory.build(usage_weight=0, impact_weight=0, risk_weight=0,
                                           decay_weight=0)
    with pytest.raises(ValidationError) as refused:
        weights.full_clean()
    assert "decay_weight" in refused.value.message_dict


def test_priority_page_and_csv(client, ranked, compliance_officer, refused_user):
    client.force_login(compliance_officer)
    page = client.get(reverse("monitoring:priority")).content.decode()
    assert page.index("credit-default-xgb") < page.index("fraud-detect-nn")
    chart = embedded_json(page, "priority-chart")
    assert [part["name"] for part in chart["parts"]] == ["Usage", "Business impact",
                                                         "Risk tier", "Decay"]
    export = client.get(reverse("monitoring:priority"), {"export": "csv"}).content.decode()
    assert export.splitlines()[1].startswith("1,credit-default-xgb,50.0")
    client.force_login(refused_user)
    assert client.get(reverse("monitoring:priority")).status_code == 403


def test_priority_api_is_refused_and_constant_in_queries(api_client_for, ranked,
                                                         compliance_officer, refused_user,
                                                         django_assert_max_num_queries):
    url = reverse("monitoring-api:retraining-priorities")
    assert api_client_for(refused_user).get(url).status_code == 403
    client = api_client_for(compliance_officer)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).json()["count"] == 3
    for _ in range(6):
        version = ModelVersionFactory(model=MLModelFactory(stage=ModelStage.PRODUCTION),
                                      stage=ModelStage.PRODUCTION)
        RetrainingAlertFactory(model_version=version)
    with django_assert_max_num_queries(12) as many:
        body = client.get(url).json()
    assert body["count"] == 9 and body["results"][0]["rank"] == 1
    assert len(few.captured_queries) == len(many.captured_queries)
    assert RetrainingAlert.objects.count() == 7
