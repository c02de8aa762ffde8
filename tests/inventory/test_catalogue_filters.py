"""The catalogue filtersets: the same filters serve the API and the dashboards."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from inventory.choices import RiskTier
from inventory.filters import MLModelFilterSet, ModelVersionFilterSet, parse_metric_conditions
from inventory.models import MLModel, ModelVersion
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _names(data: dict, user=None) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user
    filterset = MLModelFilterSet(data, queryset=MLModel.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("name", flat=True))


def test_metric_filter_keeps_models_at_or_above_the_threshold():
    MLModelFactory(name="credit-good-xgb", evaluation_metrics={"auc": 0.85})
    MLModelFactory(name="credit-edge-xgb", evaluation_metrics={"auc": 0.8})
    MLModelFactory(name="credit-weak-xgb", evaluation_metrics={"auc": 0.6})
    MLModelFactory(name="credit-none-xgb", evaluation_metrics={"f1": 0.9})
    MLModelFactory(name="credit-text-xgb", evaluation_metrics={"auc": "n/a"})

    assert _names({"metric": "auc>=0.8"}) == {"credit-good-xgb", "credit-edge-xgb"}
    assert _names({"metric": "auc>0.8"}) == {"credit-good-xgb"}
    assert _names({"metric": "auc<0.8"}) == {"credit-weak-xgb"}
    assert _names({"metric": "auc=0.6"}) == {"credit-weak-xgb"}
    assert _names({"metric": "auc>=0.5, auc<=0.8"}) == {"credit-edge-xgb", "credit-weak-xgb"}


@pytest.mark.parametrize("expression", ["auc>>0.8", "auc>=high", "0auc>1", "a__b>1", ">=0.8",
                                        "auc>=1e400"])
def test_invalid_metric_expression_is_a_form_error_on_the_metric_field(expression):
    filterset = MLModelFilterSet({"metric": expression}, queryset=MLModel.objects.all())
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["metric"]
    assert expression in filterset.errors["metric"][0]


def test_parse_metric_conditions_reads_several_conditions():
    conditions = parse_metric_conditions("auc>=0.8, f1_score < 1e-1")
    assert [str(c) for c in conditions] == ["auc>=0.8", "f1_score<0.1"]


def test_search_matches_name_purpose_description_and_tags():
    MLModelFactory(name="fraud-card-gbm", purpose="Flags card fraud.", description="",
                   tags=["realtime"])
    MLModelFactory(name="credit-limit-glm", purpose="Sets credit limits.", description="",
                   tags=[])
    assert _names({"q": "fraud"}) == {"fraud-card-gbm"}
    assert _names({"q": "limits"}) == {"credit-limit-glm"}
    assert _names({"q": "realtime"}) == {"fraud-card-gbm"}
    assert _names({"q": "nothing-like-this"}) == set()


def test_filters_by_risk_tier_compliance_tag_team_and_owner():
    team = TeamFactory(slug="cards", name="Cards")
    a = MLModelFactory(name="cards-fraud-gbm", risk_tier=RiskTier.HIGH, team=team,
                       compliance_tags=["eu-ai-act"], owner=UserFactory(username="card-owner"))
    MLModelFactory(name="credit-limit-glm", risk_tier=RiskTier.LOW, compliance_tags=["sr-11-7"])
    assert _names({"risk_tier": ["high", "critical"]}) == {"cards-fraud-gbm"}
    assert _names({"compliance_tag": ["eu-ai-act"]}) == {"cards-fraud-gbm"}
    assert _names({"compliance_tag": ["eu-ai-act", "sr-11-7"]}) == {
        "cards-fraud-gbm", "credit-limit-glm"}
    assert _names({"team_slug": "cards"}) == {"cards-fraud-gbm"}
    assert _names({"team": str(team.pk)}) == {"cards-fraud-gbm"}
    assert _names({"owner_username": a.owner.username}) == {"cards-fraud-gbm"}
    assert _names({"ordering": "-name"}) == {"cards-fraud-gbm", "credit-limit-glm"}


def test_version_metric_filter():
    version = ModelVersionFactory(evaluation_metrics={"auc": 0.9})
    ModelVersionFactory(evaluation_metrics={"auc": 0.7})
    filterset = ModelVersionFilterSet({"metric": "auc>=0.8"}, queryset=ModelVersion.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [version]


@pytest.mark.parametrize("queryset", [MLModel.objects.all, lambda: MLModel.objects.for_list()])
def test_risk_tier_sorts_by_severity_not_alphabetically(queryset):
    for tier in ("medium", "critical", "low", "high"):
        MLModelFactory(name=f"credit-{tier}-xgb", risk_tier=tier)
    filterset = MLModelFilterSet({"ordering": "-risk_tier"}, queryset=queryset())
    assert filterset.is_valid(), filterset.errors
    assert [m.risk_tier for m in filterset.qs] == ["critical", "high", "medium", "low"]
    by_rank = MLModel.objects.for_list().order_by("risk_rank")
    assert [m.risk_tier for m in by_rank] == ["low", "medium", "high", "critical"]


def test_cost_and_training_date_ranges():
    import datetime
    from decimal import Decimal

    MLModelFactory(name="credit-big-xgb", development_cost=Decimal("250000"),
                   training_date=datetime.date(2026, 3, 1))
    MLModelFactory(name="credit-small-xgb", development_cost=Decimal("1000"),
                   training_date=datetime.date(2025, 3, 1))
    assert _names({"development_cost_min": "100000"}) == {"credit-big-xgb"}
    assert _names({"trained_before": "2025-12-31"}) == {"credit-small-xgb"}
    assert _names({"name": "CREDIT-BIG-XGB"}) == {"credit-big-xgb"}
