"""Bad input to the catalogue API is a 400 with field errors, never a 500.

Each case once caused, or could cause, an exception below the validation layer: a
malformed licence expression, an infinite metric threshold (PostgreSQL's jsonb has no
Infinity), values of the wrong JSON type.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories.catalogue import MLModelFactory

pytestmark = pytest.mark.django_db
CASES = [
    {"input_schema": "string"}, {"input_schema": [1, 2]}, {"input_schema": {"type": {"a": 1}}},
    {"evaluation_metrics": [1]}, {"evaluation_metrics": "x"}, {"evaluation_metrics": {"auc": None}},
    {"tracked_artefacts": "model"}, {"tracked_artefacts": {"a": 1}}, {"tracked_artefacts": [1]},
    {"tags": "abc"}, {"tags": [{"a": 1}]}, {"tags": ["x" * 80]}, {"compliance_tags": [1]},
    {"owner": 123}, {"team": "x"}, {"team": 99999}, {"development_cost": "abc"},
    {"development_cost": 1e20}, {"name": "a" * 500}, {"licence": "a" * 500}, {"name": None},
    {"risk_tier": "extreme"}, {"origin": "vendor"}, {"stage": "production"},
    {"classification": "expensed"}, {"source_url": "not a url"}, {"training_date": "yesterday"},
    {"name": "ok-name-here", "purpose": None}, {"confidential": "maybe"}, {"steward": "nobody"},
    {"name": "-"}, {"name": "   "}, {"name": "x\x00y"},
]


@pytest.mark.parametrize("body", CASES)
def test_bad_bodies_are_400_on_create_and_update(api_client_for, platform_admin, body):
    client = api_client_for(platform_admin)
    created = client.post(reverse("inventory-api:mlmodel-list"), body, format="json")
    assert created.status_code == 400, created.content[:500]
    model = MLModelFactory(name="credit-fuzz-xgb")
    changed = client.patch(reverse("inventory-api:mlmodel-detail", args=[model.pk]), body,
                           format="json")
    assert changed.status_code in (400, 200), changed.content[:500]


@pytest.mark.parametrize("params", [{"q": "'&|!:*()"}, {"q": "\"unbalanced"}, {"q": "a" * 2000},
                                    {"metric": "auc>=1e400"}, {"metric": ","}, {"tag": ","},
                                    {"team": "abc"}, {"owner": "abc"}, {"compliance_tag": "zz"},
                                    {"ordering": "nope"}, {"confidential": "maybe"},
                                    {"metric": "x" * 100 + ">1"}, {"q": "\x00"}])
def test_odd_filters_answer_200_or_400(api_client_for, platform_admin, params):
    MLModelFactory(name="credit-fuzz-xgb")
    response = api_client_for(platform_admin).get(reverse("inventory-api:mlmodel-list"), params)
    assert response.status_code in (200, 400), response.content[:500]


OTHER_CASES = [
    ("inventory-api:modelversion-list", {"model": 99999}),
    ("inventory-api:modelversion-list", {"model": "x"}),
    ("inventory-api:modelversion-list", {"artifact_sha256": "zz", "artifact_size": -1}),
    ("inventory-api:modelversion-list", {"evaluation_metrics": [1], "stage": "production"}),
    ("inventory-api:datasetversion-list", {"schema": "x"}),
    ("inventory-api:datasetversion-list", {"dataset": None}),
    ("inventory-api:feature-list", {"dataset": 99999}),
    ("inventory-api:dataset-list", {"sensitivity": "secret"}),
    ("inventory-api:pipeline-list", {"repository_url": "nope"}),
    ("inventory-api:team-list", {"slug": "not a slug"}),
    ("inventory-api:compliancetag-list", {"name": ""}),
    ("inventory-api:savedsearch-list", {"page": "", "name": ""}),
]


@pytest.mark.parametrize(("route", "body"), OTHER_CASES)
def test_bad_bodies_on_other_resources_are_400(api_client_for, platform_admin, route, body):
    response = api_client_for(platform_admin).post(reverse(route), body, format="json")
    assert response.status_code == 400, response.content[:500]
