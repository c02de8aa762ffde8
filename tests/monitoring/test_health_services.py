"""Monitoring-coverage health: never reported, stale, missing required metrics, unapproved
version; findings open once, refresh, and close by themselves when fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.choices import DeploymentStatus, MetricKind, ModelStage, RiskTier
from monitoring.choices import HealthFindingStatus, HealthProblem
from monitoring.models import HealthFinding
from monitoring.services.health import health_check, health_problems
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.fleet import MonitoringRequirementFactory, TierMonitoringRequirementFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory

pytestmark = pytest.mark.django_db
P = HealthProblem


def deployed(risk_tier=RiskTier.MEDIUM, stage=ModelStage.PRODUCTION, **deployment):
    version = ModelVersionFactory(model=MLModelFactory(risk_tier=risk_tier), stage=stage)
    return DeploymentFactory(model_version=version, **deployment)


def observe(deployment, name="auc", ago=timedelta(minutes=5), with_deployment=True, **extra):
    return MetricObservationFactory(model_version=deployment.model_version,
                                    deployment=deployment if with_deployment else None,
                                    name=name, observed_at=timezone.now() - ago, **extra)


def problems() -> set[tuple[str, int]]:
    return set(HealthFinding.objects.filter(status=HealthFindingStatus.OPEN)
               .values_list("problem", "deployment_id"))


def test_each_problem_is_found_once():
    TierMonitoringRequirementFactory(risk_tier=RiskTier.HIGH, expected_interval_minutes=60,
                                     required_metrics=["auc", "psi"])
    silent = deployed()
    stale = deployed(risk_tier=RiskTier.HIGH)
    observe(stale, ago=timedelta(hours=3))
    partial = deployed(risk_tier=RiskTier.HIGH)
    observe(partial, name="auc")
    fine = deployed(risk_tier=RiskTier.HIGH)
    for name in ("auc", "psi"):
        observe(fine, name=name, with_deployment=False)  # version-level reports count too
    stopped = deployed(status=DeploymentStatus.STOPPED)
    staging = deployed(environment="staging")

    first = health_check()

    assert problems() == {(P.NO_OBSERVATIONS, silent.pk), (P.STALE, stale.pk),
                          (P.MISSING_METRICS, partial.pk)}
    assert first["opened"] == 3 and first["checked"] == 4
    assert "psi" in HealthFinding.objects.get(problem=P.MISSING_METRICS).detail
    stale_finding = HealthFinding.objects.get(problem=P.STALE)
    assert stale_finding.last_observed_at is not None and "1 hour(s)" in stale_finding.detail
    assert health_check()["opened"] == 0  # idempotent
    assert HealthFinding.objects.count() == 3
    assert {stopped.pk, staging.pk, fine.pk}.isdisjoint({pk for _, pk in problems()})


def test_a_models_own_requirement_wins_over_its_tier():
    TierMonitoringRequirementFactory(risk_tier=RiskTier.MEDIUM, expected_interval_minutes=60 * 24)
    deployment = deployed()
    MonitoringRequirementFactory(model=deployment.model_version.model,
                                 expected_interval_minutes=30, required_metrics=[])
    observe(deployment, ago=timedelta(hours=2))
    health_check()
    assert problems() == {(P.STALE, deployment.pk)}


def test_serving_a_version_that_is_not_the_approved_one():
    deployment = deployed()
    observe(deployment)
    old = deployment.model_version
    ModelVersionFactory(model=old.model, stage=ModelStage.PRODUCTION)  # the approved v2
    old.stage = ModelStage.DEPRECATED
    old.save()

    health_check()

    finding = HealthFinding.objects.get()
    assert finding.problem == P.UNAPPROVED_VERSION
    assert "the approved version is v2" in finding.detail


def test_findings_close_themselves_when_fixed_with_history():
    TierMonitoringRequirementFactory(risk_tier=RiskTier.HIGH, expected_interval_minutes=60,
                                     required_metrics=["auc", "psi"])
    deployment = deployed(risk_tier=RiskTier.HIGH)
    health_check()
    assert problems() == {(P.NO_OBSERVATIONS, deployment.pk)}

    observe(deployment, name="auc")
    result = health_check()
    assert problems() == {(P.MISSING_METRICS, deployment.pk)}
    assert result["resolved"] == 1 and result["opened"] == 1

    observe(deployment, name="psi", kind=MetricKind.DRIFT)
    health_check()
    assert problems() == set()
    closed = HealthFinding.objects.filter(status=HealthFindingStatus.RESOLVED)
    assert closed.count() == 2 and all(f.resolved_at for f in closed)
    latest = closed.first().history.first()
    assert latest.history_change_reason.startswith("Resolved")


def test_a_stopped_deployment_closes_its_findings():
    deployment = deployed()
    health_check()
    deployment.status = DeploymentStatus.STOPPED
    deployment.save()
    assert health_check()["resolved"] == 1


def test_detection_is_set_based(settings):
    """Finding the problems takes the same number of queries for 3 and for 9 deployments."""
    settings.CUSTODIA_MONITORING_DEFAULT_INTERVAL_MINUTES = 60

    def queries_with(more: int) -> int:
        for index in range(more):
            deployment = deployed()
            if index % 3:
                observe(deployment, ago=timedelta(hours=3 if index % 3 == 1 else 0))
        with CaptureQueriesContext(connection) as captured:
            found = health_problems(now=timezone.now())
        assert found
        return len(captured.captured_queries)

    assert queries_with(3) == queries_with(6)


def test_a_stage_change_rechecks_that_versions_deployments(platform_admin):
    """Deprecating v1 while v2 is in production: v1's production deployment is flagged by
    the check the stage change queues (run here by calling the job's body)."""
    from django.test import TestCase

    from core.models import JobRun
    from inventory.services.versions import model_version_transition
    from monitoring.tasks import HEALTH_JOB, monitoring_health_check

    deployment = deployed()
    observe(deployment)
    v1 = deployment.model_version
    ModelVersionFactory(model=v1.model, stage=ModelStage.PRODUCTION)
    with TestCase.captureOnCommitCallbacks(execute=True):
        model_version_transition(version=v1, to_stage=ModelStage.DEPRECATED,
                                 actor=platform_admin, reason="v2 replaces it")

    run = JobRun.objects.get(name=HEALTH_JOB)
    assert run.parameters == {"model_version_id": v1.pk}
    context = type("Job", (), {"run": run})()
    assert monitoring_health_check.body(context, model_version_id=v1.pk)["opened"] == 1
    assert "the approved version is v2" in HealthFinding.objects.get().detail


def test_a_demoted_staging_version_is_flagged_where_staging_is_monitored(settings):
    settings.CUSTODIA_MONITORED_ENVIRONMENTS = ["production", "staging"]
    deployment = deployed(environment="staging", stage=ModelStage.STAGING)
    observe(deployment)
    health_check()
    assert not HealthFinding.objects.exists()
    version = deployment.model_version
    version.stage = ModelStage.VALIDATED  # the staging test failed: demoted
    version.save()
    health_check()
    finding = HealthFinding.objects.get()
    assert finding.problem == P.UNAPPROVED_VERSION and "may not run in staging" in finding.detail


def test_an_unauthorised_deployment_outside_monitored_environments_is_only_unapproved():
    deployment = deployed(environment="test", status=DeploymentStatus.UNAUTHORISED)
    health_check()
    assert problems() == {(P.UNAPPROVED_VERSION, deployment.pk)}
