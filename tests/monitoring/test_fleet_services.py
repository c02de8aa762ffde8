"""Deployment events keep the inventory's deployments current: created, scaled, moved,
removed and rolled back; a version where its stage or its data's residency forbids is
refused or recorded as unauthorised with a health finding, per policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import ConflictError
from inventory.choices import DeploymentStatus, ModelStage
from inventory.models import Deployment, ModelVersionDataset
from inventory.services.deployments import deployment_report
from inventory.services.versions import model_version_transition
from lineage.models import ResidencyRule
from monitoring.choices import DeploymentEventOutcome, HealthProblem
from monitoring.models import DeploymentEvent, HealthFinding
from monitoring.services.fleet import deployment_event_apply
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.monitoring.fleet_support import fleet_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PLACE = {"environment": "production", "region": "eu-west-1", "segment": "retail"}


def apply(fleet, kind: str, version=None, actor=None, **data) -> DeploymentEvent:
    return deployment_event_apply(version=version or fleet["v2"], actor=actor or fleet["service"],
                                  reason=f"{kind} by the release pipeline",
                                  data={"kind": kind, **PLACE, **data})


def test_created_event_records_a_running_deployment_with_history(fleet):
    event = apply(fleet, "created", endpoint="https://scoring.internal/v2", replicas=3)

    deployment = Deployment.objects.get()
    assert (deployment.model_version, deployment.status, deployment.replicas) == (
        fleet["v2"], DeploymentStatus.ACTIVE, 3)
    assert event.outcome == DeploymentEventOutcome.APPLIED and event.deployment == deployment
    row = deployment.history.get()
    assert row.history_user == fleet["service"]
    assert row.history_change_reason == "created by the release pipeline"


def test_the_same_event_twice_changes_nothing_the_second_time(fleet):
    apply(fleet, "created", replicas=3)
    again = apply(fleet, "created", replicas=3)

    assert again.outcome == DeploymentEventOutcome.UNCHANGED
    assert Deployment.objects.get().history.count() == 1
    assert DeploymentEvent.objects.count() == 2  # both receipts are kept as evidence


def test_scaled_changes_the_instances_and_needs_a_running_deployment(fleet):
    with pytest.raises(ValidationError) as refused:
        apply(fleet, "scaled", replicas=5)
    assert "region" in refused.value.message_dict
    assert not DeploymentEvent.objects.exists()

    apply(fleet, "created", replicas=3)
    with pytest.raises(ValidationError) as no_count:
        apply(fleet, "scaled")
    assert "replicas" in no_count.value.message_dict
    apply(fleet, "scaled", replicas=5)
    assert Deployment.objects.get().replicas == 5


def test_moved_stops_the_old_place_and_runs_at_the_new_one(fleet):
    apply(fleet, "created", endpoint="https://scoring.internal/v2", replicas=2)
    event = apply(fleet, "moved", to_region="eu-central-1", to_segment="smb")

    old = Deployment.objects.get(region="eu-west-1")
    new = Deployment.objects.get(region="eu-central-1")
    assert old.status == DeploymentStatus.STOPPED
    assert (new.status, new.segment, new.endpoint, new.replicas) == (
        DeploymentStatus.ACTIVE, "smb", "https://scoring.internal/v2", 2)
    assert event.deployment == new

    with pytest.raises(ValidationError) as same_place:
        apply(fleet, "moved", region="eu-central-1", segment="smb", to_region="eu-central-1")
    assert "to_region" in same_place.value.message_dict


def test_removed_stops_the_deployment(fleet):
    apply(fleet, "created")
    apply(fleet, "removed")
    assert Deployment.objects.get().status == DeploymentStatus.STOPPED


def test_rolled_back_serves_the_earlier_version_again(fleet):
    apply(fleet, "created", replicas=4)
    apply(fleet, "rolled_back", to_model_version=fleet["v1"])

    now = {d.model_version: d for d in Deployment.objects.all()}
    assert now[fleet["v2"]].status == DeploymentStatus.STOPPED
    assert (now[fleet["v1"]].status, now[fleet["v1"]].replicas) == (DeploymentStatus.ACTIVE, 4)

    for bad in (fleet["v2"], ModelVersionFactory(stage=ModelStage.PRODUCTION), None):
        with pytest.raises(ValidationError) as refused:
            apply(fleet, "rolled_back", version=fleet["v1"], to_model_version=bad)
        assert "to_model_version" in refused.value.message_dict


def test_an_outsider_cannot_report_events(fleet):
    with pytest.raises(PermissionDenied):
        apply(fleet, "created", actor=fleet["outsider"])
    assert not Deployment.objects.exists() and not DeploymentEvent.objects.exists()


def test_undeployable_stage_is_refused_by_default(fleet, settings):
    staging = ModelVersionFactory(model=fleet["model"], stage=ModelStage.STAGING)
    with pytest.raises(ConflictError, match="promote it first"):
        apply(fleet, "created", version=staging)
    assert not Deployment.objects.exists() and not DeploymentEvent.objects.exists()


def test_undeployable_stage_recorded_raises_a_finding_at_once(fleet, settings):
    settings.CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS = "record"
    staging = ModelVersionFactory(model=fleet["model"], stage=ModelStage.STAGING)

    event = apply(fleet, "created", version=staging)

    assert event.outcome == DeploymentEventOutcome.UNAUTHORISED
    assert "promote it first" in event.detail
    finding = HealthFinding.objects.get(problem=HealthProblem.UNAPPROVED_VERSION)
    assert finding.deployment == event.deployment and finding.model_version == staging


def _eu_trained(fleet):
    ResidencyRule.objects.create(data_region="eu", allowed_regions=["eu-west-1", "eu-central-1"])
    version = ModelVersionFactory(model=fleet["model"], stage=ModelStage.REGISTERED)
    data = DatasetVersionFactory(dataset__residency_region="eu")
    ModelVersionDataset.objects.create(model_version=version, dataset_version=data,
                                       role="train", checksum_at_link=data.sha256)
    version.stage = ModelStage.PRODUCTION  # promoted (the links are frozen from now on)
    version.save()
    return version


def test_residency_forbids_a_region_at_every_deployment_door(fleet):
    version = _eu_trained(fleet)

    with pytest.raises(ConflictError, match="uses eu data"):
        apply(fleet, "created", version=version, region="us-east-1")
    with pytest.raises(ConflictError, match="uses eu data"):
        deployment_report(version=version, actor=fleet["service"], reason="CI",
                          data={**PLACE, "region": "us-east-1"})
    assert not Deployment.objects.exists()

    apply(fleet, "created", version=version)  # eu-west-1 is allowed
    with pytest.raises(ConflictError):
        apply(fleet, "moved", version=version, to_region="us-east-1")
    assert list(Deployment.objects.values_list("region", "status")) == [
        ("eu-west-1", DeploymentStatus.ACTIVE)]


def test_residency_breach_recorded_when_the_policy_says_record(fleet, settings):
    settings.CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS = "record"
    version = _eu_trained(fleet)

    event = apply(fleet, "created", version=version, region="us-east-1")

    assert event.deployment.status == DeploymentStatus.UNAUTHORISED
    assert "uses eu data" in event.detail
    assert HealthFinding.objects.filter(deployment=event.deployment,
                                        problem=HealthProblem.UNAPPROVED_VERSION).exists()


def test_retiring_a_version_stops_its_deployments(fleet, platform_admin):
    apply(fleet, "created")
    for stage in (ModelStage.DEPRECATED, ModelStage.ARCHIVED):
        model_version_transition(version=fleet["v2"], to_stage=stage, actor=platform_admin,
                                 reason="Replaced")
    assert Deployment.objects.get().status == DeploymentStatus.STOPPED
