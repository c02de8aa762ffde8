"""The MLflow registry door over HTTP, without the client: both path prefixes, MLflow's
error shape for unknown endpoints, wrong methods, anonymous callers and bad bodies, tags
mapped onto Custodia's fields, and a constant query count per search page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AccessEvent
from inventory.models import MLModel
from inventory.services.catalogue import grant_actions
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory

pytestmark = pytest.mark.django_db

BASE = "/api/2.0/mlflow"


@pytest.mark.parametrize("prefix", ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
def test_both_prefixes_answer_in_mlflow_shapes(api_client_for, auditor, prefix):
    model = MLModelFactory(name="credit-default-xgb", labels={"framework": "xgboost"},
                           description="Credit default")
    ModelVersionFactory(model=model, run_id="r1", labels={"ci": "passed"})
    answer = api_client_for(auditor).get(f"{prefix}/registered-models/get",
                                         {"name": "credit-default-xgb"})
    assert answer.status_code == 200
    body = answer.json()["registered_model"]
    assert body["name"] == "credit-default-xgb" and body["description"] == "Credit default"
    tags = {t["key"]: t["value"] for t in body["tags"]}
    assert tags["framework"] == "xgboost" and tags["custodia.risk_tier"] == "medium"
    assert tags["custodia.stage"] == "registered"
    [latest] = body["latest_versions"]
    assert latest["version"] == "1" and latest["status"] == "READY"
    assert latest["current_stage"] == "None" and latest["run_id"] == "r1"
    assert {"key": "ci", "value": "passed"} in latest["tags"]


def test_unknown_endpoint_wrong_method_and_anonymous(api_client, api_client_for, auditor):
    client = api_client_for(auditor)
    answer = client.get(f"{BASE}/experiments/search")
    assert answer.status_code == 404 and answer.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    answer = client.get(f"{BASE}/registered-models/create")
    assert answer.status_code == 405 and answer.json()["error_code"] == "BAD_REQUEST"
    answer = api_client.get(f"{BASE}/registered-models/search")
    assert answer.status_code == 401 and answer.json()["error_code"] == "UNAUTHENTICATED"
    assert answer["WWW-Authenticate"] == "Bearer"


def test_bad_bodies_are_invalid_parameter_values_and_write_nothing(api_client_for,
                                                                    data_scientist):
    client = api_client_for(data_scientist)
    cases = [
        {"tags": [{"key": "custodia.confidential", "value": "perhaps"}]},
        {"tags": [{"key": "custodia.input_schema", "value": "{not json"}]},
        {"tags": [{"key": "custodia.unknown_field", "value": "x"}]},
        {"tags": [{"key": "custodia.team", "value": "no-such-team"}]},
        {"tags": [{"value": "no key"}]},
        {"tags": [{"key": "notes", "value": "x" * 5001}]},
    ]
    for body in cases:
        answer = client.post(f"{BASE}/registered-models/create",
                             {"name": "credit-default-xgb", **body}, format="json")
        assert answer.status_code == 400, body
        assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE", body
    answer = client.post(f"{BASE}/registered-models/create", {"name": ["a-b-c"]}, format="json")
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    answer = client.post(f"{BASE}/registered-models/create", {}, format="json")
    assert "'name'" in answer.json()["message"]
    answer = client.post(f"{BASE}/registered-models/create", "{", content_type="application/json")
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert not MLModel.objects.exists()
    answer = client.get(f"{BASE}/registered-models/search", {"max_results": "many"})
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    answer = client.get(f"{BASE}/registered-models/search", {"max_results": 5000})
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_custodia_tags_write_fields_through_the_service(api_client_for, model_owner):
    team = TeamFactory(slug="credit-risk", name="Credit risk")
    model = MLModelFactory(name="credit-default-xgb", labels={"framework": "xgboost"})
    client = api_client_for(model_owner)
    for key, value in (("custodia.team", "credit-risk"), ("custodia.tags", "retail, scoring"),
                       ("custodia.domain", "credit")):
        answer = client.post(f"{BASE}/registered-models/set-tag",
                             {"name": model.name, "key": key, "value": value}, format="json")
        assert answer.status_code == 200, answer.json()
    model.refresh_from_db()
    assert model.team == team and model.domain == "credit"
    assert sorted(model.tags.values_list("name", flat=True)) == ["retail", "scoring"]
    assert model.labels == {"framework": "xgboost"}
    answer = client.post(f"{BASE}/registered-models/set-tag",
                         {"name": model.name, "key": "custodia.risk_tier", "value": "low"},
                         format="json")
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "risk officers" in answer.json()["message"]
    answer = client.delete(f"{BASE}/registered-models/delete-tag",
                           {"name": model.name, "key": "custodia.domain"}, format="json")
    assert answer.status_code == 200
    answer = client.delete(f"{BASE}/registered-models/delete-tag",
                           {"name": model.name, "key": "absent"}, format="json")
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    model.refresh_from_db()
    assert model.domain == "" and model.risk_tier == "medium"
    reasons = list(model.history.values_list("history_change_reason", flat=True))
    assert "Tag “custodia.domain” removed (MLflow registry API)" in reasons


def test_search_is_an_access_event_with_a_constant_query_count(api_client_for, refused_user):
    """Read as a user holding only object grants, at N and 3N models."""
    client = api_client_for(refused_user)

    def add_models(count: int) -> None:
        for _ in range(count):
            model = MLModelFactory(labels={"framework": "xgboost"})
            grant_actions(refused_user, model, ["view"])
            for _ in range(2):
                grant_actions(refused_user, ModelVersionFactory(model=model), ["view"])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(f"{BASE}/registered-models/search",
                                {"filter": "tags.framework = 'xgboost'", "max_results": 100})
        assert answer.status_code == 200
        return len(queries), len(answer.json()["registered_models"])

    add_models(2)
    few, shown = count_queries()
    assert shown == 2
    add_models(4)
    many, shown = count_queries()
    assert shown == 6 and many == few
    assert AccessEvent.objects.filter(action="search", result_count=6).exists()

    # A version the reader was not granted stays out of the latest versions.
    model = MLModel.objects.order_by("pk").first()
    ModelVersionFactory(model=model)
    answer = client.get(f"{BASE}/registered-models/get-latest-versions", {"name": model.name})
    assert [v["version"] for v in answer.json()["model_versions"]] == ["2"]
