"""The MLflow registry door waits for a promotion's approvals like every other door: the
real `MlflowClient` cannot move a high-risk version into Production by `transition-stage`
until two approvers of the policy's roles and a CAB member approved; the deciding approval
promotes it, and the client then reads it as Production."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from rest_framework.authtoken.models import Token

from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from governance.services.approvals import approval_request_create, approval_request_decide
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from inventory.services.versions import model_version_transition
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory
from tests.inventory.mlflow_support import install_registration_rules, model_tags, version_tags

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _client_environment(monkeypatch, transactional_db):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
    # A transactional test database is emptied between tests: put back the shipped
    # registration rules and approval policies.
    install_registration_rules()
    importlib.import_module(
        "governance.migrations.0003_approval_policy_and_minimisation_defaults").forwards(
        django_apps, None)


def _as(monkeypatch, user) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", Token.objects.get_or_create(user=user)[0].key)


def test_transition_stage_to_production_waits_for_the_approvals(live_server, monkeypatch):
    author = UserFactory(username="ds-anna", roles=[Role.DATA_SCIENTIST])
    UserFactory(username="steward-ben", roles=[Role.MODEL_OWNER])
    TeamFactory(name="Credit risk", slug="credit-risk", members=[author])
    promoter = UserFactory(username="val-vic", roles=[Role.VALIDATOR])
    client = MlflowClient(tracking_uri=live_server.url, registry_uri=live_server.url)

    _as(monkeypatch, author)
    client.create_registered_model(
        "credit-default-xgb", tags=model_tags("ds-anna", "credit-risk", "steward-ben",
                                              **{"custodia.risk_tier": "high"}))
    client.create_model_version("credit-default-xgb", "s3://models/credit/1",
                                tags=version_tags())
    _as(monkeypatch, promoter)
    version = ModelVersion.objects.get(model__name="credit-default-xgb", version=1)

    # Into staging, a high-risk version needs one validator's approval.
    with pytest.raises(MlflowException) as refused:
        client.transition_model_version_stage("credit-default-xgb", "1", "Staging")
    assert "Ask for approval first" in refused.value.message
    # The walk stopped before the refused step and rolled back: still registered.
    assert ModelVersion.objects.get(pk=version.pk).stage == ModelStage.REGISTERED
    version = model_version_transition(version=version, to_stage=ModelStage.VALIDATED,
                                       actor=promoter, reason="Validation passed")
    request = approval_request_create(version=version, to_stage=ModelStage.STAGING,
                                      actor=promoter, reason="Validation report VR-7")
    approval_request_decide(request=request, actor=UserFactory(username="val-una",
                                                               roles=[Role.VALIDATOR]),
                            decision=Decision.APPROVE, comment="VR-7 reviewed")
    assert client.get_model_version("credit-default-xgb", "1").current_stage == "Staging"

    with pytest.raises(MlflowException) as refused:
        client.transition_model_version_stage("credit-default-xgb", "1", "Production")
    assert "Ask for approval first" in refused.value.message
    version.refresh_from_db()
    assert version.stage == ModelStage.STAGING

    request = approval_request_create(version=version, to_stage=ModelStage.PRODUCTION,
                                      actor=promoter, reason="Shadow run passed")
    for role, name in ((Role.VALIDATOR, "val-wes"), (Role.RISK_OFFICER, "risk-rae")):
        approval_request_decide(request=request, actor=UserFactory(username=name, roles=[role]),
                                decision=Decision.APPROVE, comment="Reviewed")
    with pytest.raises(MlflowException) as still_refused:
        client.transition_model_version_stage("credit-default-xgb", "1", "Production")
    assert "CAB member" in still_refused.value.message
    assert client.get_model_version("credit-default-xgb", "1").current_stage == "Staging"

    request = approval_request_decide(
        request=request, actor=UserFactory(username="cab-cy", roles=[Role.CAB_MEMBER]),
        decision=Decision.APPROVE, comment="CAB agreed")
    assert request.status == ApprovalStatus.PROMOTED
    assert client.get_model_version("credit-default-xgb", "1").current_stage == "Production"
