"""The catalogue API: one thin test per rule at this door."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.choices import AccessAction
from core.models import AccessEvent
from inventory.choices import ModelStage, RiskTier
from inventory.models import MLModel, ModelVersion, SavedSearch
from inventory.services import catalogue
from inventory.services.standards import registration_problems
from tests.factories import UserFactory
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    DatasetFactory,
    FeatureFactory,
    MLModelFactory,
    ModelVersionFactory,
    PipelineFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
MODELS = reverse("inventory-api:mlmodel-list")


def detail(pk: int) -> str:
    return reverse("inventory-api:mlmodel-detail", args=[pk])


def payload(**overrides) -> dict:
    body = {
        "name": "credit-default-xgb",
        "purpose": "Predicts default of credit applications.",
        "owner": "data_scientist",
        "team": TeamFactory(slug="credit-risk", name="Credit risk").pk,
        "domain": "credit",
        "steward": "data_scientist",
        "training_date": "2026-02-01",
        "input_schema": VALID_INPUT_SCHEMA,
        "output_schema": VALID_OUTPUT_SCHEMA,
        "evaluation_metrics": {"auc": 0.82},
        "training_environment": "python 3.11",
        "inference_requirements": "1 vCPU",
        "tags": ["scoring"],
        "change_reason": "First registration of the scorecard",
    }
    body.update(overrides)
    return body


@pytest.fixture
def teams(data_scientist):
    """Team A (the data scientist's) and team B, each with a confidential model."""
    team_a = TeamFactory(slug="team-a", name="Team A", members=[data_scientist])
    team_b = TeamFactory(slug="team-b", name="Team B")
    MLModelFactory(name="alpha-secret-model", team=team_a, confidential=True,
                   purpose="Hidden alpha work.")
    MLModelFactory(name="bravo-secret-model", team=team_b, confidential=True,
                   purpose="Hidden bravo work.")
    MLModelFactory(name="bravo-public-model", team=team_b, confidential=False,
                   purpose="Open bravo work.")
    return team_a, team_b


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------
def test_registration_creates_with_history_user_and_reason(api_client_for, data_scientist):
    response = api_client_for(data_scientist).post(MODELS, payload(), format="json")
    assert response.status_code == 201, response.content
    model = MLModel.objects.get(name="credit-default-xgb")
    record = model.history.get()
    assert record.history_user == data_scientist
    assert record.history_change_reason == "First registration of the scorecard"
    assert response.json()["classification"] == "digital_inventory"
    assert response.json()["tags"] == ["scoring"]


def test_incomplete_registration_is_refused_with_the_service_messages_and_writes_nothing(
        api_client_for, data_scientist):
    body = payload(name="Credit Default XGB", purpose="", owner=None, input_schema={"type": 7},
                   licence="Apache 2", training_environment="")
    before = (MLModel.objects.count(), MLModel.history.count())
    response = api_client_for(data_scientist).post(MODELS, body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    expected = registration_problems(asset_type="mlmodel", data={
        "name": "Credit Default XGB", "purpose": "", "owner": None, "input_schema": {"type": 7},
        "licence": "Apache 2", "training_environment": "", "team": body["team"],
        "domain": "credit", "training_date": datetime.date(2026, 2, 1),
        "evaluation_metrics": {"auc": 0.82}, "inference_requirements": "1 vCPU",
        "steward": data_scientist, "output_schema": VALID_OUTPUT_SCHEMA, "tags": ["scoring"]})
    assert fields == expected
    assert {"name", "purpose", "owner", "input_schema", "licence", "training_environment"} == set(
        fields)
    assert "credit-default-xgb" in fields["name"][0]
    assert (MLModel.objects.count(), MLModel.history.count()) == before


def test_update_and_change_reason_reach_the_history(api_client_for, data_scientist):
    model = catalogue.mlmodel_create(actor=data_scientist, reason="New", data={
        **payload(owner=data_scientist, steward=data_scientist, team=None, change_reason=None),
        "team": TeamFactory(slug="t1", name="T1"), "training_date": datetime.date(2026, 2, 1)})
    response = api_client_for(data_scientist).patch(
        detail(model.pk), {"purpose": "Scores applications.", "change_reason": "Clearer"},
        format="json")
    assert response.status_code == 200, response.content
    latest = model.history.first()
    assert (latest.history_user, latest.history_change_reason) == (data_scientist, "Clearer")


def test_data_scientist_cannot_change_a_model_they_did_not_register(api_client_for, data_scientist):
    model = MLModelFactory(name="credit-other-xgb")
    response = api_client_for(data_scientist).patch(detail(model.pk), {"purpose": "x"},
                                                    format="json")
    assert response.status_code == 403


def test_delete_of_a_model_ever_in_production_is_refused(api_client_for, platform_admin):
    model = MLModelFactory(name="credit-live-xgb", stage=ModelStage.PRODUCTION)
    response = api_client_for(platform_admin).delete(detail(model.pk))
    assert response.status_code == 409
    assert "can never be deleted" in response.json()["error"]["message"]
    assert MLModel.objects.filter(pk=model.pk).exists()


def test_risk_tier_is_set_by_risk_officers_only(api_client_for, risk_officer, data_scientist):
    model = MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.MEDIUM)
    url = reverse("inventory-api:mlmodel-risk-tier", args=[model.pk])
    refused = api_client_for(data_scientist).post(url, {"risk_tier": "low"}, format="json")
    assert refused.status_code == 403
    response = api_client_for(risk_officer).post(
        url, {"risk_tier": "low", "change_reason": "Assessment 2026-03"}, format="json")
    assert response.status_code == 200, response.content
    model.refresh_from_db()
    assert model.risk_tier == RiskTier.LOW
    assert model.history.first().history_change_reason == "Assessment 2026-03"


def test_version_registration_numbers_without_gaps(api_client_for, data_scientist):
    model = catalogue.mlmodel_create(actor=data_scientist, reason="New", data={
        **payload(owner=data_scientist, steward=data_scientist, change_reason=None),
        "team": TeamFactory(slug="t1", name="T1"), "training_date": datetime.date(2026, 2, 1)})
    model.versioning_strategy = "monolithic"  # the bundle is all a version must pin
    model.save()
    client = api_client_for(data_scientist)
    url = reverse("inventory-api:modelversion-list")
    body = {"model": model.pk, "artifact_uri": "s3://m/1", "artifact_sha256": "f" * 64,
            "training_date": "2026-02-01", "input_schema": VALID_INPUT_SCHEMA,
            "output_schema": VALID_OUTPUT_SCHEMA, "code_commit": "a" * 40,
            "evaluation_metrics": {"auc": 0.8}, "training_environment": "py",
            "inference_requirements": "cpu"}
    assert client.post(url, body, format="json").json()["version"] == 1
    bad = client.post(url, {**body, "artifact_uri": ""}, format="json")
    assert bad.status_code == 400 and "artifact_uri" in bad.json()["error"]["fields"]
    assert client.post(url, body, format="json").json()["version"] == 2
    assert list(ModelVersion.objects.filter(model=model).values_list("version", flat=True)) == [2, 1]


# --------------------------------------------------------------------------------------
# Visibility: a team's confidential model stays within the team
# --------------------------------------------------------------------------------------
def test_confidential_model_of_another_team_is_invisible(api_client_for, data_scientist, teams):
    client = api_client_for(data_scientist)
    assert names(client.get(MODELS)) == {"alpha-secret-model", "bravo-public-model"}
    hidden = MLModel.objects.get(name="bravo-secret-model")
    assert client.get(detail(hidden.pk)).status_code == 404
    assert names(client.get(MODELS, {"q": "bravo"})) == {"bravo-public-model"}
    assert names(client.get(MODELS, {"q": "hidden"})) == {"alpha-secret-model"}
    export = client.get(MODELS, {"format": "csv"})
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode()
    assert "alpha-secret-model" in text and "bravo-public-model" in text
    assert "bravo-secret-model" not in text


def test_csv_export_follows_filters_and_is_an_access_event(api_client_for, data_scientist):
    MLModelFactory(name="credit-high-xgb", risk_tier=RiskTier.HIGH)
    MLModelFactory(name="credit-low-xgb", risk_tier=RiskTier.LOW)
    response = api_client_for(data_scientist).get(MODELS, {"format": "csv", "risk_tier": "high"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("id,name,domain")
    assert len(lines) == 2 and "credit-high-xgb" in lines[1]
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert (event.user, event.result_count) == (data_scientist, 1)


def test_explicit_denial_beats_the_role(api_client_for, data_scientist):
    model = MLModelFactory(name="credit-denied-xgb")
    catalogue.permission_denial_create(obj=model, action="view", actor=None,
                                       reason="Conflict of interest", user=data_scientist)
    client = api_client_for(data_scientist)
    assert "credit-denied-xgb" not in names(client.get(MODELS))
    assert client.get(detail(model.pk)).status_code == 404


def test_metric_filter_and_its_error(api_client_for, data_scientist):
    MLModelFactory(name="credit-good-xgb", evaluation_metrics={"auc": 0.9})
    MLModelFactory(name="credit-weak-xgb", evaluation_metrics={"auc": 0.7})
    client = api_client_for(data_scientist)
    assert names(client.get(MODELS, {"metric": "auc>=0.8"})) == {"credit-good-xgb"}
    bad = client.get(MODELS, {"metric": "auc is good"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["metric"]


def test_saved_searches_are_private(api_client_for, data_scientist, auditor):
    url = reverse("inventory-api:savedsearch-list")
    created = api_client_for(data_scientist).post(
        url, {"page": "inventory:mlmodel_list", "name": "High risk", "query": "risk_tier=high"},
        format="json")
    assert created.status_code == 201, created.content
    assert api_client_for(auditor).get(url).json()["results"] == []
    other = SavedSearch.objects.get()
    assert api_client_for(auditor).get(
        reverse("inventory-api:savedsearch-detail", args=[other.pk])).status_code == 404


# --------------------------------------------------------------------------------------
# Query counts: constant as the rows grow
# --------------------------------------------------------------------------------------
LISTS = {
    "inventory-api:mlmodel-list": lambda **kw: MLModelFactory(tags=["a", "b"],
                                                              compliance_tags=["gdpr"], **kw),
    "inventory-api:dataset-list": lambda **kw: DatasetFactory(tags=["a"], **kw),
    "inventory-api:feature-list": lambda **kw: FeatureFactory(dataset=DatasetFactory(), **kw),
    "inventory-api:pipeline-list": lambda **kw: PipelineFactory(**kw),
    "inventory-api:modelversion-list": lambda **kw: ModelVersionFactory(
        model=MLModelFactory(**kw)),
}


def _count(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("route", sorted(LISTS))
def test_list_query_count_is_constant_for_a_role_user(api_client_for, data_scientist, route):
    team = TeamFactory(slug="qc", name="QC", members=[data_scientist])
    client = api_client_for(data_scientist)
    url = reverse(route)
    for _ in range(10):
        LISTS[route](team=team, confidential=True)
    at_10 = _count(client, url)
    for _ in range(20):
        LISTS[route](team=team, confidential=True)
    assert len(client.get(url, {"page_size": 100}).json()["results"]) == 30
    assert _count(client, url) == at_10
    assert at_10 <= 14


@pytest.mark.parametrize("route", sorted(LISTS))
def test_list_query_count_is_constant_with_object_grants_only(api_client_for, route):
    user = UserFactory(username="grants-only")
    client = api_client_for(user)
    url = reverse(route)

    def make(n: int) -> None:
        for _ in range(n):
            obj = LISTS[route](confidential=True)
            assign_perm(f"view_{obj._meta.model_name}", user, obj)
            if obj._meta.model_name == "modelversion":
                assign_perm("view_mlmodel", user, obj.model)

    make(10)
    at_10 = _count(client, url)
    make(20)
    assert len(client.get(url, {"page_size": 100}).json()["results"]) == 30
    assert _count(client, url) == at_10
    assert at_10 <= 14


def test_reading_a_confidential_model_is_an_access_event(api_client_for, data_scientist, teams):
    own = MLModel.objects.get(name="alpha-secret-model")
    assert api_client_for(data_scientist).get(detail(own.pk)).status_code == 200
    event = AccessEvent.objects.get(action=AccessAction.VIEW)
    assert (event.user, event.object_id) == (data_scientist, str(own.pk))


def test_csv_by_format_suffix(api_client_for, auditor):
    MLModelFactory(name="credit-default-xgb")
    response = api_client_for(auditor).get("/api/v1/models.csv")
    assert response.status_code == 200
    assert "credit-default-xgb" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("role", ["auditor", "validator", "compliance_officer", "cab_member"])
def test_read_only_roles_cannot_register(api_client_for, role, request):
    user = request.getfixturevalue(role)
    response = api_client_for(user).post(MODELS, payload(owner=role), format="json")
    assert response.status_code == 403
    assert not MLModel.objects.exists()


def test_ordering_uses_the_filterset_names(api_client_for, auditor):
    MLModelFactory(name="aaa-first-model", team=TeamFactory(slug="zz", name="Zulu"))
    MLModelFactory(name="zzz-last-model", team=TeamFactory(slug="aa", name="Alpha"))
    client = api_client_for(auditor)
    ordered = [r["name"] for r in client.get(MODELS, {"ordering": "team"}).json()["results"]]
    assert ordered == ["zzz-last-model", "aaa-first-model"]
    ordered = [r["name"] for r in client.get(MODELS, {"ordering": "-name"}).json()["results"]]
    assert ordered == ["zzz-last-model", "aaa-first-model"]
    assert client.get(MODELS, {"ordering": "password"}).status_code == 400


def test_a_filtered_list_is_a_search_event(api_client_for, auditor):
    MLModelFactory(name="credit-default-xgb")
    client = api_client_for(auditor)
    client.get(MODELS, {"page": 1})
    assert not AccessEvent.objects.exists()
    client.get(MODELS, {"q": "credit"})
    event = AccessEvent.objects.get()
    assert (event.action, event.query, event.result_count) == (AccessAction.SEARCH, "q=credit", 1)


def test_compliance_officer_sets_compliance_tags(api_client_for, compliance_officer,
                                                 data_scientist):
    from tests.factories.catalogue import ComplianceTagFactory

    ComplianceTagFactory(name="eu-ai-act")
    model = MLModelFactory(name="credit-default-xgb")
    url = reverse("inventory-api:mlmodel-compliance-tags", args=[model.pk])
    assert api_client_for(data_scientist).post(
        url, {"compliance_tags": ["eu-ai-act"]}, format="json").status_code == 403
    unknown = api_client_for(compliance_officer).post(
        url, {"compliance_tags": ["nope"]}, format="json")
    assert unknown.status_code == 400 and "compliance_tags" in unknown.json()["error"]["fields"]
    response = api_client_for(compliance_officer).post(
        url, {"compliance_tags": ["eu-ai-act"], "change_reason": "High-risk AI system"},
        format="json")
    assert response.status_code == 200 and response.json()["compliance_tags"] == ["eu-ai-act"]
    record = model.history.first()
    assert record.history_user == compliance_officer
    assert record.history_change_reason == "High-risk AI system; compliance tags: +eu-ai-act"


@pytest.mark.parametrize("route", ["inventory-api:modelversion-list", "inventory-api:dataset-list",
                                   "inventory-api:feature-list", "inventory-api:pipeline-list"])
def test_every_catalogue_list_exports_csv(api_client_for, auditor, route):
    LISTS[route]()
    response = api_client_for(auditor).get(reverse(route), {"format": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT, result_count=1).exists()


def test_licence_constraints_endpoint(api_client_for, auditor):
    from inventory.choices import Origin, Redistribution

    MLModelFactory(name="vendor-chat-llm", stage=ModelStage.PRODUCTION, origin=Origin.VENDOR,
                   licence="LicenseRef-Acme", redistribution=Redistribution.PROHIBITED)
    MLModelFactory(name="open-text-llm", stage=ModelStage.PRODUCTION, origin=Origin.OPEN_WEIGHTS,
                   licence="Apache-2.0", redistribution=Redistribution.CONDITIONS)
    MLModelFactory(name="open-free-llm", stage=ModelStage.PRODUCTION,
                   redistribution=Redistribution.ALLOWED)
    url = reverse("inventory-api:mlmodel-licence-constraints")
    client = api_client_for(auditor)
    assert names(client.get(url)) == {"vendor-chat-llm", "open-text-llm"}
    assert names(client.get(url, {"redistribution": "prohibited"})) == {"vendor-chat-llm"}


@pytest.mark.parametrize("kind", ["dataset", "feature", "pipeline", "modelversion"])
def test_other_teams_confidential_assets_are_hidden_on_every_resource(api_client_for,
                                                                      data_scientist, kind):
    other = TeamFactory(slug="other", name="Other")
    hidden = LISTS[f"inventory-api:{kind}-list"](team=other, confidential=True)
    client = api_client_for(data_scientist)
    listed = client.get(reverse(f"inventory-api:{kind}-list")).json()["results"]
    assert hidden.pk not in {row["id"] for row in listed}
    assert client.get(reverse(f"inventory-api:{kind}-detail", args=[hidden.pk])).status_code == 404
    export = b"".join(client.get(reverse(f"inventory-api:{kind}-list"),
                                 {"format": "csv"}).streaming_content).decode()
    assert len(export.splitlines()) == 1


def test_a_feature_does_not_name_another_teams_confidential_dataset(api_client_for,
                                                                    data_scientist):
    hidden = DatasetFactory(name="bravo-secret-data", team=TeamFactory(slug="b", name="B"),
                            confidential=True)
    visible = DatasetFactory(name="alpha-open-data")
    FeatureFactory(name="alpha-ratio-one", dataset=hidden)
    FeatureFactory(name="alpha-ratio-two", dataset=visible)
    client = api_client_for(data_scientist)
    rows = {r["name"]: r["dataset"] for r in client.get(
        reverse("inventory-api:feature-list")).json()["results"]}
    assert rows == {"alpha-ratio-one": None, "alpha-ratio-two": visible.pk}
    export = b"".join(client.get(reverse("inventory-api:feature-list"),
                                 {"format": "csv"}).streaming_content).decode()
    assert "bravo-secret-data" not in export and "alpha-open-data" in export
