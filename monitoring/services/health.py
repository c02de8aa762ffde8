"""Monitoring-coverage health checks: is every deployed model reporting what it should?

One pass looks at every running deployment in `CUSTODIA_MONITORED_ENVIRONMENTS` (and every
deployment recorded as unauthorised, wherever it is) and finds:

- **no observations**: nothing was ever reported for it (missing instrumentation);
- **stale**: nothing within its expected interval;
- **missing metrics**: some metrics its requirement names were not reported within the
  interval;
- **unapproved version**: it serves a version that is not the model's approved (production)
  version, or it was recorded as unauthorised.

The interval and required metrics come from the model's own `MonitoringRequirement`, else
its risk tier's, else `CUSTODIA_MONITORING_DEFAULT_INTERVAL_MINUTES` with no required
metric. Detection is set-based (a fixed number of queries whatever the fleet's size); a
finding is opened for a new problem, kept (detail refreshed) while it lasts and resolved
by the pass that no longer sees it. A PostgreSQL advisory lock makes a second concurrent
pass stand down, and the open-finding constraint refuses duplicates on any database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.audit import audit_context
from core.models import JobRun
from inventory.choices import DeploymentStatus, ModelStage
from inventory.models import Deployment, MetricObservation, ModelVersion
from inventory.models.deployments import DEPLOYABLE_STAGES
from monitoring.choices import HealthFindingStatus, HealthProblem
from monitoring.models import HealthFinding, MonitoringRequirement

__all__ = ["Expectation", "Problem", "expectations_for", "health_check",
           "health_check_version_submit", "health_problems", "monitored_deployments"]

P = HealthProblem
_LOCK_KEY = 0x6D6F6E_6865616C  # "mon" "heal": one advisory lock for the health pass


@dataclass(frozen=True)
class Expectation:
    interval: timedelta
    required_metrics: tuple[str, ...]
    source: str  # "model", "risk tier high", "default"


@dataclass(frozen=True)
class Problem:
    problem: str
    deployment: Deployment
    detail: str
    last_observed_at: datetime | None = None


def monitored_deployments(deployment_ids: list[int] | None = None):
    """Deployments the health check looks at, with their version and model joined."""
    queryset = Deployment.objects.filter(
        Q(status=DeploymentStatus.ACTIVE, environment__in=settings.CUSTODIA_MONITORED_ENVIRONMENTS)
        | Q(status=DeploymentStatus.UNAUTHORISED)).select_related("model_version__model")
    if deployment_ids is not None:
        queryset = queryset.filter(pk__in=deployment_ids)
    return queryset.order_by("pk")


def expectations_for(models) -> dict[int, Expectation]:
    """Model id -> what it must report (two queries whatever the number of models)."""
    models = list(models)
    own = {req.model_id: req for req in MonitoringRequirement.objects.filter(
        model__in=[m.pk for m in models])}
    tiers = {req.risk_tier: req for req in MonitoringRequirement.objects.filter(
        model__isnull=True)}
    default = Expectation(
        timedelta(minutes=settings.CUSTODIA_MONITORING_DEFAULT_INTERVAL_MINUTES), (), "default")
    result = {}
    for model in models:
        requirement = own.get(model.pk) or tiers.get(model.risk_tier)
        if requirement is None:
            result[model.pk] = default
            continue
        source = "model" if requirement.model_id else f"risk tier {model.risk_tier}"
        result[model.pk] = Expectation(timedelta(minutes=requirement.expected_interval_minutes),
                                       tuple(requirement.required_metrics), source)
    return result


def _minutes(interval: timedelta) -> str:
    minutes = int(interval.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440} day(s)"
    if minutes % 60 == 0:
        return f"{minutes // 60} hour(s)"
    return f"{minutes} minute(s)"


def _recent_metrics(deployments: list[Deployment], since: datetime
                    ) -> dict[int, dict[str, datetime]]:
    """Deployment id -> metric name -> latest observation since `since` (one query).

    An observation counts for a deployment when it names it, or names none and is about
    the deployment's version."""
    rows = (MetricObservation.objects
            .filter(observed_at__gte=since,
                    model_version__in={d.model_version_id for d in deployments})
            .values("model_version_id", "deployment_id", "name")
            .annotate(last=Max("observed_at")).order_by())
    by_deployment: dict[int, dict[str, datetime]] = {}
    by_version: dict[int, dict[str, datetime]] = {}
    for row in rows:
        target = (by_version.setdefault(row["model_version_id"], {})
                  if row["deployment_id"] is None
                  else by_deployment.setdefault(row["deployment_id"], {}))
        previous = target.get(row["name"])
        target[row["name"]] = max(previous, row["last"]) if previous else row["last"]
    result = {}
    for d in deployments:
        merged = dict(by_version.get(d.model_version_id, {}))
        for name, last in by_deployment.get(d.pk, {}).items():
            merged[name] = max(merged.get(name, last), last)
        result[d.pk] = merged
    return result


def _history_of(deployments: list[Deployment]) -> dict[int, datetime | None]:
    """Deployment id -> its latest observation ever, None when it never reported.

    Two grouped queries, each on an index (observations naming the deployment, and those
    naming only its version), rather than one query with an OR that no index serves."""
    if not deployments:
        return {}
    own = dict(MetricObservation.objects.filter(deployment__in=[d.pk for d in deployments])
               .values("deployment_id").annotate(last=Max("observed_at"))
               .values_list("deployment_id", "last").order_by())
    by_version = dict(MetricObservation.objects
                      .filter(deployment__isnull=True,
                              model_version__in={d.model_version_id for d in deployments})
                      .values("model_version_id").annotate(last=Max("observed_at"))
                      .values_list("model_version_id", "last").order_by())
    result = {}
    for d in deployments:
        times = [t for t in (own.get(d.pk), by_version.get(d.model_version_id)) if t]
        result[d.pk] = max(times) if times else None
    return result


def _approved_versions(model_ids: set[int]) -> dict[int, list[int]]:
    """Model id -> the version numbers in production (one query)."""
    approved: dict[int, list[int]] = {}
    for model_id, number in (ModelVersion.objects.filter(model__in=model_ids,
                                                         stage=ModelStage.PRODUCTION)
                             .order_by("version").values_list("model_id", "version")):
        approved.setdefault(model_id, []).append(number)
    return approved


def _unapproved(deployment: Deployment, approved: dict[int, list[int]]) -> str | None:
    version = deployment.model_version
    if deployment.status == DeploymentStatus.UNAUTHORISED:
        return (f"{version} was reported running in {deployment.environment} "
                f"{deployment.region or ''} but may not run there; it was recorded as "
                "unauthorised.").replace("  ", " ")
    if deployment.environment != "production" and version.stage not in DEPLOYABLE_STAGES.get(
            deployment.environment, ()):
        return (f"{version} is {version.get_stage_display().lower()}, which may not run in "
                f"{deployment.environment}.")
    if deployment.environment == "production" and version.stage != ModelStage.PRODUCTION:
        numbers = approved.get(version.model_id, [])
        which = (f"the approved version is {', '.join(f'v{n}' for n in numbers)}" if numbers
                 else "no version of this model is approved for production now")
        return (f"Serves {version} ({version.get_stage_display().lower()}) in production; "
                f"{which}.")
    return None


def health_problems(*, now: datetime, deployment_ids: list[int] | None = None
                    ) -> dict[tuple[str, int], Problem]:
    """Every coverage problem of the monitored deployments now, by (problem, deployment id)."""
    deployments = list(monitored_deployments(deployment_ids))
    if not deployments:
        return {}
    models = {d.model_version.model_id: d.model_version.model for d in deployments}
    expected = expectations_for(models.values())
    longest = max(expectation.interval for expectation in expected.values())
    recent = _recent_metrics(deployments, now - longest)
    approved = _approved_versions(set(models))
    problems: dict[tuple[str, int], Problem] = {}
    silent = []
    monitored = set(settings.CUSTODIA_MONITORED_ENVIRONMENTS)
    for d in deployments:
        # Reporting is expected in the monitored environments only; an unauthorised
        # deployment elsewhere is checked for its version alone.
        if d.environment in monitored:
            expectation = expected[d.model_version.model_id]
            since = now - expectation.interval
            fresh = {name: last for name, last in recent[d.pk].items() if last >= since}
            missing = [name for name in expectation.required_metrics if name not in fresh]
            if not fresh:
                silent.append(d)
            elif missing:
                problems[(P.MISSING_METRICS, d.pk)] = Problem(
                    P.MISSING_METRICS, d,
                    f"Required by its {expectation.source} requirement but not reported in "
                    f"the last {_minutes(expectation.interval)}: {', '.join(missing)}.",
                    max(fresh.values()))
        reason = _unapproved(d, approved)
        if reason:
            problems[(P.UNAPPROVED_VERSION, d.pk)] = Problem(P.UNAPPROVED_VERSION, d, reason)
    history = _history_of(silent)
    for d in silent:
        expectation = expected[d.model_version.model_id]
        last = history.get(d.pk)
        if last is None:
            problems[(P.NO_OBSERVATIONS, d.pk)] = Problem(
                P.NO_OBSERVATIONS, d,
                "No metric was ever reported for this deployment: its monitoring is not "
                "instrumented.")
        else:
            problems[(P.STALE, d.pk)] = Problem(
                P.STALE, d,
                f"Last observation {last:%Y-%m-%d %H:%M} UTC; expected at least every "
                f"{_minutes(expectation.interval)} ({expectation.source}).", last)
    return problems


def _lock_taken() -> bool:
    """Take the pass's advisory lock for this transaction; False when another pass holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite serialises writers: no second pass can write meanwhile
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def health_check(*, now: datetime | None = None, job_run: JobRun | None = None,
                 deployment_ids: list[int] | None = None) -> dict:
    """Open, refresh and resolve health findings from one detection pass.

    Args:
        now: the time to check at (the current time when None).
        deployment_ids: check only these deployments (a deployment event does); None: all.
    Returns:
        Counts: deployments checked, problems found, findings opened, updated, resolved;
        or `{"skipped": ...}` when another pass holds the lock.
    """
    now = now or timezone.now()
    with transaction.atomic(), audit_context(reason="Monitoring health check"):
        if deployment_ids is None and not _lock_taken():
            return {"skipped": "another health check is running"}
        found = health_problems(now=now, deployment_ids=deployment_ids)
        open_findings = HealthFinding.objects.select_for_update(skip_locked=True).filter(
            status=HealthFindingStatus.OPEN)
        if deployment_ids is not None:
            open_findings = open_findings.filter(deployment__in=deployment_ids)
        current = {(f.problem, f.deployment_id): f for f in open_findings}
        opened = updated = resolved = 0
        for key, problem in found.items():
            finding = current.get(key)
            if finding is None:
                opened += _open(problem, job_run)
            elif (finding.detail, finding.last_observed_at) != (problem.detail,
                                                                 problem.last_observed_at):
                finding.detail, finding.last_observed_at = problem.detail, problem.last_observed_at
                finding.job_run = job_run
                _save(finding, "Still found by the health check")
                updated += 1
        for key, finding in current.items():
            if key not in found:
                finding.status = HealthFindingStatus.RESOLVED
                finding.resolved_at = now
                finding.job_run = job_run
                _save(finding, "Resolved: the health check no longer finds the problem")
                resolved += 1
    return {"checked": monitored_deployments(deployment_ids).count(),
            "problems": len(found), "opened": opened, "updated": updated, "resolved": resolved}


def _save(finding: HealthFinding, reason: str) -> None:
    finding.full_clean(validate_constraints=False)
    finding._change_reason = reason
    finding.save()


def _open(problem: Problem, job_run: JobRun | None) -> int:
    finding = HealthFinding(problem=problem.problem, deployment=problem.deployment,
                            model_version_id=problem.deployment.model_version_id,
                            detail=problem.detail, last_observed_at=problem.last_observed_at,
                            job_run=job_run)
    try:
        with transaction.atomic():  # a concurrent pass may have opened it: keep theirs
            _save(finding, f"Found by the health check: {finding.get_problem_display()}")
    except IntegrityError:
        return 0
    return 1


def health_check_version_submit(version: ModelVersion) -> None:
    """Queue a health check of `version`'s running deployments (after its stage changed);
    nothing when none runs."""
    from core.services.job_runs import job_run_submit
    from monitoring.tasks import HEALTH_JOB

    running = Deployment.objects.filter(
        model_version=version,
        status__in=(DeploymentStatus.ACTIVE, DeploymentStatus.UNAUTHORISED)).exists()
    has_findings = HealthFinding.objects.filter(model_version=version,
                                                status=HealthFindingStatus.OPEN).exists()
    if running or has_findings:
        job_run_submit(name=HEALTH_JOB, parameters={"model_version_id": version.pk})

