"""Metrics and deployments drive decisions: only the model's team reports them, observations
are bounded and validated row by row, undeployable versions are refused (or recorded as
unauthorised), and archiving or retiring a version stops its deployments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ConflictError
from inventory.choices import DeploymentStatus, ModelStage, RiskTier
from inventory.models import Deployment, MetricObservation, MLModel
from inventory.services import catalogue
from inventory.services.deployments import (
    _validate_rows,
    deployment_report,
    metric_observations_record,
)
from inventory.services.versions import model_version_transition
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    VALID_OUTPUT_SCHEMA,
    ModelVersionFactory,
    TeamFactory,
)
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

METRICS_URL = "inventory-api:cicd-metrics-attach"
DEPLOY_URL = "inventory-api:cicd-deployment-report"


def registration(owner, team, **extra) -> dict:
    return {"name": "credit-default-xgb", "purpose": "Scores applications.", "owner": owner,
            "steward": owner, "team": team, "domain": "credit",
            "training_date": datetime.date(2026, 1, 1), "input_schema": VALID_INPUT_SCHEMA,
            "output_schema": VALID_OUTPUT_SCHEMA, "evaluation_metrics": {"auc": 0.8},
            "training_environment": "python", "inference_requirements": "1 vCPU", **extra}


@pytest.fixture
def teams(data_scientist):
    """The model's team (the data scientist and a pipeline's service account), and another
    team's data scientist."""
    service_account = UserFactory(username="svc-credit-pipeline", roles=["Data scientist"])
    own = TeamFactory(slug="credit-risk", name="Credit risk",
                      members=[data_scientist, service_account])
    outsider = UserFactory(username="ds-other", roles=["Data scientist"])
    TeamFactory(slug="fraud", name="Fraud", members=[outsider])
    model = catalogue.mlmodel_create(actor=data_scientist, reason="New",
                                     data=registration(data_scientist, own))
    version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    return {"model": model, "version": version, "service": service_account,
            "outsider": outsider}


def test_registration_grants_the_team_the_report_rights(teams, data_scientist):
    from core.permissions import user_can

    model = teams["model"]
    for user in (data_scientist, teams["service"]):
        assert user_can(user, "report_metrics_mlmodel", model)
        assert user_can(user, "report_deployment_mlmodel", model)
    assert not user_can(teams["outsider"], "report_metrics_mlmodel", model)


def test_a_team_change_grants_the_new_team(teams, platform_admin):
    from core.permissions import user_can

    newcomer = UserFactory(username="ds-new")
    catalogue.mlmodel_update(model=teams["model"], actor=platform_admin, reason="Moved",
                             data={"team": TeamFactory(slug="new", name="New", members=[newcomer])})
    assert user_can(newcomer, "report_deployment_mlmodel", teams["model"])


def test_another_team_is_refused_at_the_cicd_doors_and_nothing_is_written(
        teams, api_client_for):
    client = api_client_for(teams["outsider"])
    version = teams["version"]
    metrics = client.post(reverse(METRICS_URL, args=[version.pk]), {"metrics": {"auc": 0.1}},
                          format="json")
    deploy = client.post(reverse(DEPLOY_URL), {"model_version": version.pk,
                                              "environment": "production"}, format="json")
    assert (metrics.status_code, deploy.status_code) == (403, 403)
    assert not MetricObservation.objects.exists() and not Deployment.objects.exists()


def test_the_teams_service_account_reports(teams, api_client_for):
    client = api_client_for(teams["service"])
    version = teams["version"]
    assert client.post(reverse(METRICS_URL, args=[version.pk]), {"metrics": {"auc": 0.8}},
                       format="json").status_code == 201
    assert client.post(reverse(DEPLOY_URL), {"model_version": version.pk,
                                             "environment": "production"},
                       format="json").status_code == 201


def test_read_only_api_and_admin_doors_write_nothing(teams, api_client_for, client):
    api = api_client_for(teams["outsider"])
    assert api.post(reverse("inventory-api:deployment-list"), {
        "model_version": teams["version"].pk, "environment": "production"},
        format="json").status_code in (403, 405)
    assert api.post(reverse("inventory-api:metricobservation-list"), {
        "model_version": teams["version"].pk, "name": "auc", "value": 0.1},
        format="json").status_code in (403, 405)
    outsider = teams["outsider"]
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    assert client.get(reverse("admin:inventory_deployment_add")).status_code == 403
    assert client.get(reverse("admin:inventory_metricobservation_add")).status_code == 403
    assert not MetricObservation.objects.exists() and not Deployment.objects.exists()


def test_the_service_refuses_another_team(teams):
    with pytest.raises(PermissionDenied):
        metric_observations_record(version=teams["version"], actor=teams["outsider"],
                                   metrics={"auc": 0.1})
    with pytest.raises(PermissionDenied):
        deployment_report(version=teams["version"], actor=teams["outsider"], reason="x",
                          data={"environment": "production"})


def test_membership_is_read_live_joining_grants_and_leaving_removes_the_right(teams):
    model, outsider = teams["model"], teams["outsider"]
    model.team.members.add(outsider)
    metric_observations_record(version=teams["version"], actor=outsider, metrics={"auc": 0.8})

    model.team.members.remove(outsider)
    with pytest.raises(PermissionDenied):
        metric_observations_record(version=teams["version"], actor=outsider,
                                   metrics={"auc": 0.7})


def test_a_future_observation_is_refused_with_a_field_error(teams, data_scientist,
                                                            api_client_for):
    future = timezone.now() + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        metric_observations_record(version=teams["version"], actor=data_scientist,
                                   metrics={"auc": 0.9}, observed_at=future)
    assert "observed_at" in refused.value.message_dict
    response = api_client_for(data_scientist).post(
        reverse(METRICS_URL, args=[teams["version"].pk]),
        {"metrics": {"auc": 0.9}, "observed_at": future.isoformat()}, format="json")
    assert response.status_code == 400
    assert "observed_at" in response.json()["error"]["fields"]
    assert not MetricObservation.objects.exists()
    within_skew = timezone.now() + datetime.timedelta(seconds=60)
    metric_observations_record(version=teams["version"], actor=data_scientist,
                               metrics={"auc": 0.9}, observed_at=within_skew)
    assert MetricObservation.objects.count() == 1


def test_each_row_is_validated_and_a_bad_row_names_its_index_and_field(teams):
    now = timezone.now()
    rows = [MetricObservation(model_version=teams["version"], name=name, value=value,
                              observed_at=now) for name, value in (("auc", 0.8),
                                                                   ("ks", float("nan")))]
    with pytest.raises(ValidationError) as refused:
        _validate_rows(rows)
    assert set(refused.value.message_dict) == {"metrics[1].value"}
    assert "ks" in refused.value.message_dict["metrics[1].value"][0]


def test_an_undeployable_version_is_refused_naming_its_stage(teams, data_scientist,
                                                             api_client_for):
    draft = ModelVersionFactory(model=teams["model"], stage=ModelStage.DRAFT)
    response = api_client_for(data_scientist).post(reverse(DEPLOY_URL), {
        "model_version": draft.pk, "environment": "production"}, format="json")
    assert response.status_code == 409
    assert "Draft" in response.content.decode()
    assert not Deployment.objects.exists()
    # Development takes any live version; a stop is reported whatever the stage.
    deployment, _ = deployment_report(version=draft, actor=data_scientist, reason="dev",
                                      data={"environment": "development"})
    assert deployment.status == DeploymentStatus.ACTIVE
    with pytest.raises(ConflictError):
        deployment_report(version=draft, actor=data_scientist, reason="x",
                          data={"environment": "staging"})


def test_record_mode_keeps_it_as_unauthorised_on_the_page_and_the_home_counter(
        teams, data_scientist, settings, client, compliance_officer):
    settings.CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS = "record"
    draft = ModelVersionFactory(model=teams["model"], stage=ModelStage.DRAFT)
    deployment, created = deployment_report(version=draft, actor=data_scientist,
                                            reason="Deployed by hand",
                                            data={"environment": "production"})
    assert created and deployment.status == DeploymentStatus.UNAUTHORISED
    assert "unauthorised" in deployment.history.get().history_change_reason
    client.force_login(compliance_officer)
    page = client.get(reverse("inventory:deployment_list")).content.decode()
    assert "Unauthorised" in page
    home = client.get(reverse("home")).content.decode()
    assert "Unauthorised deployments" in home


def test_archiving_a_version_stops_its_deployments_with_history(teams, platform_admin):
    version = ModelVersionFactory(model=teams["model"], stage=ModelStage.DEPRECATED)
    running = DeploymentFactory(model_version=version, status=DeploymentStatus.ACTIVE)
    failed = DeploymentFactory(model_version=version, status=DeploymentStatus.FAILED,
                               region="us-east-1")
    model_version_transition(version=version, to_stage=ModelStage.ARCHIVED,
                             actor=platform_admin, reason="Replaced by v3")
    running.refresh_from_db()
    failed.refresh_from_db()
    assert (running.status, failed.status) == (DeploymentStatus.STOPPED, DeploymentStatus.FAILED)
    latest = running.history.first()
    assert latest.status == DeploymentStatus.STOPPED
    assert latest.history_user == platform_admin
    assert "Replaced by v3" in latest.history_change_reason


# --------------------------------------------------------------------------------------
# Controlled fields at registration
# --------------------------------------------------------------------------------------
def test_a_data_scientist_cannot_choose_a_tier_or_compliance_tags_when_registering(
        data_scientist, risk_officer, api_client_for):
    from tests.factories.catalogue import ComplianceTagFactory

    ComplianceTagFactory(name="gdpr")
    team = TeamFactory(slug="credit-risk", name="Credit risk", members=[data_scientist])
    with pytest.raises(ValidationError) as refused:
        catalogue.mlmodel_create(actor=data_scientist, reason="New", data=registration(
            data_scientist, team, risk_tier=RiskTier.LOW, compliance_tags=["gdpr"]))
    assert set(refused.value.message_dict) == {"risk_tier", "compliance_tags"}
    response = api_client_for(data_scientist).post(reverse("inventory-api:mlmodel-list"), {
        **registration(data_scientist.username, team.pk, risk_tier="low"),
        "steward": data_scientist.username, "training_date": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert "risk_tier" in response.json()["error"]["fields"]
    assert not MLModel.objects.exists()
    model = catalogue.mlmodel_create(actor=data_scientist, reason="New",
                                     data=registration(data_scientist, team))
    assert model.risk_tier == RiskTier.HIGH
    chosen = catalogue.mlmodel_create(actor=risk_officer, reason="New", data=registration(
        data_scientist, team, name="credit-limit-xgb", risk_tier=RiskTier.LOW))
    assert chosen.risk_tier == RiskTier.LOW


def test_the_admin_and_dashboard_forms_do_not_let_a_data_scientist_choose_them(
        data_scientist, client):
    from inventory.forms import MLModelForm

    form = MLModelForm(user=data_scientist)
    assert form.fields["risk_tier"].disabled and form.fields["compliance_tags"].disabled
    data_scientist.is_staff = True
    data_scientist.save()
    client.force_login(data_scientist)
    admin_form = client.get(reverse("admin:inventory_mlmodel_add")).content.decode()
    assert 'name="risk_tier"' not in admin_form
