"""The real MLflow client (`mlflow.MlflowClient` from mlflow-skinny) against a live Custodia:
it registers, tags, aliases, searches, renames, promotes and deletes through the MLflow
registry API, and Custodia's own API and dashboard then show the same records with their
history. Refusals (metadata standard, rights, promotion gates, frozen versions) reach the
client as MLflow errors with Custodia's message.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from rest_framework.authtoken.models import Token

from core.login_throttle import login_throttle_keys
from core.roles import Role
from inventory.models import MLModel, ModelAlias, ModelVersion
from inventory.services.versions import register_promotion_gate, unregister_promotion_gate
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory
from tests.inventory.mlflow_support import install_registration_rules, model_tags, version_tags

pytestmark = pytest.mark.django_db(transaction=True)

@pytest.fixture(autouse=True)
def _rules(transactional_db):
    install_registration_rules()


@pytest.fixture(autouse=True)
def _client_environment(monkeypatch):
    """No retries and a short timeout: an error is answered at once, never retried."""
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_sign_in_cool_down():
    """Failed basic sign-ins count per user and per client address (the live server sees
    127.0.0.1 for every test here): start and end each test without a count."""
    keys = login_throttle_keys("ds-anna", SimpleNamespace(META={"REMOTE_ADDR": "127.0.0.1"}))
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def team():
    scientist = UserFactory(username="ds-anna", roles=[Role.DATA_SCIENTIST])
    UserFactory(username="steward-ben", roles=[Role.MODEL_OWNER])
    return TeamFactory(name="Credit risk", slug="credit-risk", members=[scientist])


def client_for(live_server, monkeypatch, user) -> MlflowClient:
    """An MlflowClient sending the user's Custodia API token (MLFLOW_TRACKING_TOKEN).

    The client reads the variable at each request: the last user set is the one sending."""
    acting_as(monkeypatch, user)
    return MlflowClient(tracking_uri=live_server.url, registry_uri=live_server.url)


def acting_as(monkeypatch, user) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", Token.objects.get_or_create(user=user)[0].key)


def error_of(call) -> MlflowException:
    with pytest.raises(MlflowException) as caught:
        call()
    return caught.value


def register(client: MlflowClient, name: str, **extra: str):
    return client.create_registered_model(
        name, tags=model_tags("ds-anna", "credit-risk", "steward-ben", **extra),
        description="Credit default model")


def test_round_trip_create_version_alias_tags_search_read_back(live_server, monkeypatch, team):
    scientist = team.members.get()
    client = client_for(live_server, monkeypatch, scientist)

    created = register(client, "credit-default-xgb", framework="xgboost")
    assert created.name == "credit-default-xgb"
    first = client.create_model_version("credit-default-xgb", "s3://models/credit/1",
                                        run_id="run-1", tags=version_tags(dataset="2026-q1"),
                                        description="first fit")
    second = client.create_model_version("credit-default-xgb", "s3://models/credit/2",
                                         tags=version_tags())
    assert (first.version, second.version) == ("1", "2")
    assert first.status == "READY" and first.current_stage == "None"
    client.set_registered_model_alias("credit-default-xgb", "challenger", "2")
    client.set_registered_model_tag("credit-default-xgb", "task", "classification")
    client.set_model_version_tag("credit-default-xgb", "1", "validated_by", "ci")

    model = client.get_registered_model("credit-default-xgb")
    assert model.tags["framework"] == "xgboost" and model.tags["task"] == "classification"
    assert model.tags["custodia.team"] == "credit-risk"
    assert model.tags["custodia.owner"] == "ds-anna"
    assert model.tags["custodia.stage"] == "registered"
    assert model.aliases == {"challenger": "2"}
    assert model.description == "Credit default model"
    assert [v.version for v in model.latest_versions] == ["2"]
    by_alias = client.get_model_version_by_alias("credit-default-xgb", "challenger")
    assert by_alias.version == "2" and by_alias.aliases == ["challenger"]
    version = client.get_model_version("credit-default-xgb", "1")
    assert version.tags["validated_by"] == "ci" and version.tags["dataset"] == "2026-q1"
    assert version.tags["custodia.artifact_sha256"] == "a" * 64
    assert version.run_id == "run-1" and version.source == "s3://models/credit/1"
    assert version.description == "first fit" and version.user_id == "ds-anna"
    assert client.get_model_version_download_uri("credit-default-xgb", "2") == \
        "s3://models/credit/2"
    latest = client.get_latest_versions("credit-default-xgb", stages=["None"])
    assert [v.version for v in latest] == ["2"]

    # Searches: two pages of models, two of versions, filters on name and tags.
    register(client, "credit-limit-lgbm", framework="lightgbm")
    register(client, "fraud-alert-xgb", framework="xgboost")
    page = client.search_registered_models(max_results=2, order_by=["name ASC"])
    assert [m.name for m in page] == ["credit-default-xgb", "credit-limit-lgbm"]
    assert page.token
    rest = client.search_registered_models(max_results=2, order_by=["name ASC"],
                                           page_token=page.token)
    assert [m.name for m in rest] == ["fraud-alert-xgb"] and not rest.token
    found = client.search_registered_models(filter_string="tags.framework = 'xgboost'",
                                            order_by=["name DESC"])
    assert [m.name for m in found] == ["fraud-alert-xgb", "credit-default-xgb"]
    found = client.search_registered_models(filter_string="name ILIKE 'CREDIT-%'")
    assert [m.name for m in found] == ["credit-default-xgb", "credit-limit-lgbm"]
    versions = client.search_model_versions("name = 'credit-default-xgb'", max_results=1)
    assert [v.version for v in versions] == ["2"] and versions.token
    more = client.search_model_versions("name = 'credit-default-xgb'", max_results=1,
                                        page_token=versions.token)
    assert [v.version for v in more] == ["1"]
    assert [v.version for v in client.search_model_versions("run_id = 'run-1'")] == ["1"]
    assert [v.version for v in client.search_model_versions(
        "tags.validated_by = 'ci' and name = 'credit-default-xgb'")] == ["1"]

    # Changes: description, rename, tags removed, alias removed, a model deleted.
    client.update_model_version("credit-default-xgb", "2", description="refit on Q2")
    client.update_registered_model("credit-default-xgb", description="Default risk")
    client.delete_model_version_tag("credit-default-xgb", "1", "validated_by")
    client.delete_registered_model_tag("credit-default-xgb", "task")
    client.delete_registered_model_alias("credit-default-xgb", "challenger")
    client.rename_registered_model("credit-default-xgb", "credit-default-xgboost")
    assert client.get_registered_model("credit-default-xgboost").description == "Default risk"
    client.delete_registered_model("credit-limit-lgbm")
    assert not MLModel.objects.filter(name="credit-limit-lgbm").exists()

    # The same records in Custodia: the inventory rows, the API, the dashboard's history.
    stored = MLModel.objects.get(name="credit-default-xgboost")
    assert stored.labels == {"framework": "xgboost"}
    assert stored.description == "Default risk" and stored.team.slug == "credit-risk"
    assert not ModelAlias.objects.filter(model=stored).exists()
    assert ModelVersion.objects.get(model=stored, version=1).labels == {"dataset": "2026-q1"}
    token = Token.objects.get(user=scientist).key
    answer = requests.get(f"{live_server.url}/api/v1/model-versions/",
                          params={"model": stored.pk, "ordering": "version"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=20).json()
    assert [(v["version"], v["artifact_uri"], v["run_id"]) for v in answer["results"]] == [
        (1, "s3://models/credit/1", "run-1"), (2, "s3://models/credit/2", "")]
    assert answer["results"][1]["description"] == "refit on Q2"
    answer = requests.get(f"{live_server.url}/api/v1/model-versions/", params={"run_id": "run-1"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=20).json()
    assert [v["labels"] for v in answer["results"]] == [{"dataset": "2026-q1"}]
    answer = requests.get(f"{live_server.url}/api/v1/models/{stored.pk}/",
                          headers={"Authorization": f"Bearer {token}"}, timeout=20).json()
    assert answer["name"] == "credit-default-xgboost" and answer["labels"] == {
        "framework": "xgboost"}
    browser = Client()
    browser.force_login(scientist)
    page = browser.get(stored.get_absolute_url()).content.decode()
    assert "credit-default-xgboost" in page
    assert "<code>framework</code> = xgboost" in page and "<code>run-1</code>" in page
    for reason in ("Registered (MLflow registry API)", "Tag “task” set (MLflow registry API)",
                   "Renamed from “credit-default-xgb” (MLflow registry API)"):
        assert reason in page
    history = stored.history.order_by("history_date")
    assert history.first().history_user == scientist
    assert history.first().history_change_reason == "Registered (MLflow registry API)"


def test_errors_reach_the_client_with_mlflow_codes(live_server, monkeypatch, team,
                                                   platform_admin):
    client = client_for(live_server, monkeypatch, team.members.get())
    register(client, "credit-default-xgb")

    error = error_of(lambda: register(client, "credit-default-xgb"))
    assert error.error_code == "RESOURCE_ALREADY_EXISTS"
    assert error.get_http_status_code() == 400
    error = error_of(lambda: client.get_registered_model("no-such-model"))
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert error.get_http_status_code() == 404
    error = error_of(lambda: client.get_model_version("credit-default-xgb", "7"))
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"

    # The metadata standard refuses; the message names the tag to give; nothing is written.
    tags = model_tags("ds-anna", "credit-risk", "steward-ben")
    del tags["custodia.purpose"]
    error = error_of(lambda: client.create_registered_model("credit-limit-lgbm", tags=tags))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert "tag custodia.purpose" in error.message
    assert not MLModel.objects.filter(name="credit-limit-lgbm").exists()
    error = error_of(lambda: register(client, "CreditModel"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert "naming convention" in error.message
    error = error_of(lambda: register(client, "credit-limit-lgbm", **{"custodia.owner": "nobody"}))
    assert "custodia.owner" in error.message and "no user" in error.message

    # A version missing what its model's strategy pins is refused, numbering untouched.
    error = error_of(lambda: client.create_model_version(
        "credit-default-xgb", "s3://x", tags={"custodia.training_date": "2026-01-15"}))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert "custodia.artifact_sha256" in error.message
    assert not ModelVersion.objects.exists()
    client.create_model_version("credit-default-xgb", "s3://x", tags=version_tags())
    error = error_of(lambda: client.delete_model_version("credit-default-xgb", "1"))
    assert error.error_code == "PERMISSION_DENIED"  # versions are deleted with their model
    acting_as(monkeypatch, platform_admin)
    error = error_of(lambda: client.delete_model_version("credit-default-xgb", "1"))
    assert error.error_code == "INVALID_PARAMETER_VALUE" and "gap-free" in error.message
    acting_as(monkeypatch, team.members.get())
    error = error_of(lambda: client.search_registered_models(filter_string="name ~ 'x'"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    error = error_of(lambda: client.search_registered_models(page_token="garbage"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    error = error_of(lambda: client.search_registered_models(order_by=["size DESC"]))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    error = error_of(lambda: client.set_registered_model_alias("credit-default-xgb", "Best",
                                                               "1"))
    assert error.error_code == "INVALID_PARAMETER_VALUE" and "alias" in error.message
    error = error_of(lambda: client.transition_model_version_stage("credit-default-xgb", "1",
                                                                   "Limbo"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"

    # Without a valid token: UNAUTHENTICATED, 401.
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "not-a-token")
    error = error_of(lambda: client.get_registered_model("credit-default-xgb"))
    assert error.error_code == "UNAUTHENTICATED" and error.get_http_status_code() == 401


def test_users_without_rights_are_refused(live_server, monkeypatch, team, refused_user,
                                          auditor):
    owner = client_for(live_server, monkeypatch, team.members.get())
    register(owner, "credit-default-xgb")
    owner.create_model_version("credit-default-xgb", "s3://x", tags=version_tags())

    refused = client_for(live_server, monkeypatch, refused_user)
    error = error_of(lambda: register(refused, "credit-limit-lgbm"))
    assert error.error_code == "PERMISSION_DENIED" and error.get_http_status_code() == 403
    error = error_of(lambda: refused.get_registered_model("credit-default-xgb"))
    assert error.error_code == "RESOURCE_DOES_NOT_EXIST"  # not even visible
    assert list(refused.search_registered_models()) == []

    reader = client_for(live_server, monkeypatch, auditor)
    assert reader.get_registered_model("credit-default-xgb").name == "credit-default-xgb"
    for call in (lambda: reader.set_registered_model_tag("credit-default-xgb", "k", "v"),
                 lambda: reader.create_model_version("credit-default-xgb", "s3://y",
                                                     tags=version_tags()),
                 lambda: reader.set_model_version_tag("credit-default-xgb", "1", "k", "v"),
                 lambda: reader.rename_registered_model("credit-default-xgb", "a-b-c"),
                 lambda: reader.delete_registered_model("credit-default-xgb"),
                 lambda: reader.set_registered_model_alias("credit-default-xgb", "shadow", "1")):
        assert error_of(call).error_code == "PERMISSION_DENIED"
    error = error_of(lambda: reader.transition_model_version_stage("credit-default-xgb", "1",
                                                                   "Staging"))
    assert "promote" in error.message
    stored = MLModel.objects.get(name="credit-default-xgb")
    assert stored.labels == {} and stored.versions.count() == 1
    assert stored.versions.get().stage == "registered"


def test_basic_auth_and_its_sign_in_cool_down(live_server, monkeypatch, team, settings):
    settings.CUSTODIA_LOGIN_MAX_FAILURES = 3
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ds-anna")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "secret-password-123")
    client = MlflowClient(tracking_uri=live_server.url, registry_uri=live_server.url)
    register(client, "credit-default-xgb")
    assert client.get_registered_model("credit-default-xgb").tags["custodia.owner"] == "ds-anna"

    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "wrong")
    for _ in range(3):
        assert error_of(lambda: client.get_registered_model("credit-default-xgb")
                        ).error_code == "UNAUTHENTICATED"
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "secret-password-123")
    error = error_of(lambda: client.get_registered_model("credit-default-xgb"))
    assert error.error_code == "UNAUTHENTICATED" and "Too many failed" in error.message


@pytest.fixture
def approvals_gate():
    """A promotion gate that refuses until told it agrees (as an approvals gate would)."""
    state = {"approved": False}

    def gate(request) -> list[str]:
        if request.to_stage == "production" and not state["approved"]:
            return [f"{request.version} waits for the approval of its promotion."]
        return []

    register_promotion_gate(gate, name="tests.mlflow-approvals")
    yield state
    unregister_promotion_gate("tests.mlflow-approvals")


def test_transition_stage_walks_the_lifecycle_and_waits_for_the_gates(
        live_server, monkeypatch, team, validator, platform_admin, approvals_gate):
    owner = client_for(live_server, monkeypatch, team.members.get())
    register(owner, "credit-default-xgb")
    owner.create_model_version("credit-default-xgb", "s3://m/1", tags=version_tags())
    owner.create_model_version("credit-default-xgb", "s3://m/2", tags=version_tags())
    promoter = client_for(live_server, monkeypatch, validator)

    staged = promoter.transition_model_version_stage("credit-default-xgb", "1", "Staging")
    assert staged.current_stage == "Staging" and staged.tags["custodia.stage"] == "staging"
    error = error_of(lambda: promoter.transition_model_version_stage(
        "credit-default-xgb", "1", "Production"))
    assert error.error_code == "INVALID_PARAMETER_VALUE"
    assert "waits for the approval" in error.message
    version = ModelVersion.objects.get(model__name="credit-default-xgb", version=1)
    assert version.stage == "staging"

    approvals_gate["approved"] = True
    live = promoter.transition_model_version_stage("credit-default-xgb", "1", "Production")
    assert live.current_stage == "Production"
    reasons = list(version.history.order_by("history_date").values_list(
        "stage", "history_change_reason", "history_user__username"))
    assert [r[0] for r in reasons] == ["registered", "validated", "staging", "production"]
    assert reasons[-1][1:] == ("Stage set to Production (MLflow registry API)", "validator")

    # Production is frozen: a tag change is refused; the next version replaces it.
    acting_as(monkeypatch, team.members.get())
    error = error_of(lambda: owner.set_model_version_tag("credit-default-xgb", "1", "k", "v"))
    assert error.error_code == "INVALID_PARAMETER_VALUE" and "frozen" in error.message
    # Replacing v1 deprecates it, which needs a right the validator lacks: nothing moves.
    acting_as(monkeypatch, validator)
    error = error_of(lambda: promoter.transition_model_version_stage(
        "credit-default-xgb", "2", "Production", archive_existing_versions=True))
    assert "deprecate" in error.message
    assert ModelVersion.objects.get(model__name="credit-default-xgb", version=2).stage == \
        "registered"
    acting_as(monkeypatch, platform_admin)
    promoter.transition_model_version_stage("credit-default-xgb", "2", "Production",
                                            archive_existing_versions=True)
    stages = dict(ModelVersion.objects.filter(model__name="credit-default-xgb")
                  .values_list("version", "stage"))
    assert stages == {1: "deprecated", 2: "production"}
    assert [v.version for v in promoter.get_latest_versions("credit-default-xgb")] == ["1", "2"]
    assert promoter.get_model_version("credit-default-xgb", "1").current_stage == "Archived"
    acting_as(monkeypatch, team.members.get())
    error = error_of(lambda: owner.delete_registered_model("credit-default-xgb"))
    assert error.error_code == "INVALID_PARAMETER_VALUE" and "production" in error.message
