"""Deployments and metric observations reported by CI/CD and monitoring.

A pipeline reports "version X now runs in production/eu-west-1/retail at <endpoint>": the
report creates the `Deployment` or updates the one already recorded for that place (one
row per version and place), with history. Metric observations are monitoring data and
are only ever added; the performance-decay trigger reads them.

Both drive decisions (the decay trigger deprecates on metrics; the inventory says what
runs where), so both need a right on the version's model: the current members of the model's team hold it
(service accounts included: a pipeline's user is a member of its team); anyone else needs
`report_metrics_mlmodel` / `report_deployment_mlmodel` on the model, as an object grant
(`mlmodel_reporting_grant`, also given at registration) or globally (the platform
admin). Every door calls these functions, which check it.

A report that a version runs (`pending`/`active`) somewhere its stage may not run
(`DEPLOYABLE_STAGES`) is refused as a conflict, or, with
`CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS = "record"`, kept with the status `unauthorised`.
Archiving or retiring a version stops its deployments (`deployments_stop`).

Deployment gates: higher apps add rules about *where* a version may run (data residency)
with `register_deployment_gate(gate, name=...)` from their `ready()`; a gate receives the
version and the place (`environment`, `region`, `segment`) and returns its problems. A
running report refused by a gate is handled like an undeployable stage (the policy above).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.audit import audit_context
from core.exceptions import ConflictError
from core.permissions import user_can
from inventory.choices import DeploymentStatus, MetricKind, WebhookEvent
from inventory.models import Deployment, MetricObservation, ModelVersion
from inventory.models.deployments import DEPLOYABLE_STAGES, RUNNING_STATUSES

__all__ = [
    "REPORT_DEPLOYMENT",
    "REPORT_METRICS",
    "deployment_gates",
    "deployment_problems",
    "deployment_report",
    "deployments_stop",
    "metric_observations_record",
    "register_deployment_gate",
    "unregister_deployment_gate",
]

REPORT_METRICS = "report_metrics_mlmodel"
REPORT_DEPLOYMENT = "report_deployment_mlmodel"

Actor = AbstractBaseUser | None
_PLACE = ("environment", "region", "segment")
_REPORTED = ("endpoint", "status", "deployed_at", "replicas")
# Fields of an observation that the whole batch shares (an error names the field once).
_BATCH_FIELDS = frozenset({"model_version", "deployment", "kind", "observed_at", "source"})


def _require_report_right(actor: Actor, version: ModelVersion, permission: str,
                          what: str) -> None:
    """Refuse a user without the report right on the version's model (None: system work)."""
    if actor is None:
        return
    model = version.model
    # Membership is read live, so someone who joins the team later may report at once (and
    # someone who leaves may not); per-model grants cover anyone else given the right.
    is_member = model.team_id is not None and model.team.members.filter(pk=actor.pk).exists()
    if not is_member and not user_can(actor, permission, model):
        raise PermissionDenied(
            f"You may not report {what} of “{version.model.name}”: that right belongs to "
            "the members of the model's team.")


def _undeployable(version: ModelVersion, environment: str) -> str | None:
    """Why `version` may not run in `environment`, or None."""
    allowed = DEPLOYABLE_STAGES.get(environment, frozenset())
    if version.stage in allowed:
        return None
    return (f"Version {version} is in stage “{version.get_stage_display()}”, which may not "
            f"run in {environment}; promote it first (allowed there: "
            f"{', '.join(sorted(allowed)) or 'none'}).")


DeploymentGate = Callable[[ModelVersion, dict[str, str]], list[str]]
_deployment_gates: dict[str, DeploymentGate] = {}


def register_deployment_gate(gate: DeploymentGate, *, name: str) -> None:
    """Ask `gate(version, place)` before a version is reported running at a place
    (registering the same name again replaces the gate)."""
    _deployment_gates[name] = gate


def unregister_deployment_gate(name: str) -> None:
    _deployment_gates.pop(name, None)


def deployment_gates() -> dict[str, DeploymentGate]:
    return dict(_deployment_gates)


def deployment_problems(version: ModelVersion, place: dict[str, str]) -> list[str]:
    """Why `version` may not run at `place` (stage, then every registered gate); empty: it may."""
    problems = [problem for problem in [_undeployable(version, place.get("environment", ""))]
                if problem]
    for gate in _deployment_gates.values():
        problems.extend(gate(version, place))
    return problems


def deployment_report(*, version: ModelVersion, actor: Actor, reason: str,
                      data: dict[str, Any]) -> tuple[Deployment, bool]:
    """Record that `version` runs (or stopped running) at a place.

    Args:
        version: the deployed model version.
        data: environment (required), region, segment, endpoint, status, deployed_at,
            replicas.
    Returns:
        (deployment, created).
    Raises:
        ValidationError: field by field; nothing is written.
    """
    from inventory.services.integrations import webhook_event_emit

    _require_report_right(actor, version, REPORT_DEPLOYMENT, "deployments")
    unknown = sorted(set(data) - set(_PLACE) - set(_REPORTED))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    if data.get("status") == DeploymentStatus.UNAUTHORISED:
        raise ValidationError({"status": ["Set by Custodia for a version that may not run "
                                          "there; report pending, active, failed or stopped."]})
    place = {name: data.get(name) or "" for name in _PLACE}
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        version = ModelVersion.objects.select_for_update().select_related("model").get(
            pk=version.pk)
        deployment = (Deployment.objects.select_for_update()
                      .filter(model_version=version, **place).first())
        created = deployment is None
        if created:
            deployment = Deployment(model_version=version, **place,
                                    reported_by=actor if getattr(actor, "is_authenticated",
                                                                 False) else None)
        before = {name: getattr(deployment, name) for name in _REPORTED}
        for name in _REPORTED:
            if name in data:
                setattr(deployment, name, data[name])
        problems = (deployment_problems(version, place)
                    if deployment.status in RUNNING_STATUSES else [])
        refused = " ".join(problems) or None
        if refused is not None:
            if settings.CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS != "record":
                raise ConflictError(refused)
            deployment.status = DeploymentStatus.UNAUTHORISED
            reason = f"{reason} (unauthorised: {refused})"
        if deployment.status == DeploymentStatus.ACTIVE and deployment.deployed_at is None:
            deployment.deployed_at = timezone.now()
        if not created and before == {name: getattr(deployment, name) for name in _REPORTED}:
            return deployment, False  # the same report again: nothing to record
        deployment.full_clean()
        deployment._change_reason = reason
        deployment.save()
        webhook_event_emit(event=WebhookEvent.DEPLOYMENT_REPORTED, data={
            "deployment": {"id": deployment.pk, "model_version": version.pk,
                           "model_name": version.model.name, "version": version.version,
                           **place, "endpoint": deployment.endpoint, "status": deployment.status},
            "reason": reason})
    return deployment, created


def metric_observations_record(*, version: ModelVersion, actor: Actor, metrics: dict[str, Any],
                               kind: str = MetricKind.PERFORMANCE,
                               deployment: Deployment | None = None,
                               observed_at=None, source: str = "") -> list[MetricObservation]:
    """Add one observation per metric (name → number) of `version`, all at one time.

    Every row is validated (`full_clean`) before one insert: a bad batch stores nothing.

    Raises:
        PermissionDenied: the actor lacks `report_metrics_mlmodel` on the version's model.
        ValidationError: `{"metrics.<name>": [...]}` for a non-numeric or non-finite value,
            `{"metrics[<index>].<field>": [...]}` for a row refused by the model's rules,
            `{"kind": ...}`, `{"observed_at": ...}` (unparsable or in the future),
            `{"deployment": ...}` for another version's deployment.
    """
    _require_report_right(actor, version, REPORT_METRICS, "metrics")
    errors: dict[str, list[str]] = {}
    if not isinstance(metrics, dict) or not metrics:
        errors["metrics"] = ['An object of metric name → number, e.g. {"auc": 0.81}.']
    if kind not in MetricKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(MetricKind.values)}."]
    if deployment is not None and deployment.model_version_id != version.pk:
        errors["deployment"] = ["This deployment runs another version."]
    if isinstance(observed_at, str):
        parsed = parse_datetime(observed_at)
        if parsed is None:
            errors["observed_at"] = ["An ISO 8601 date and time."]
        observed_at = parsed
    for name, value in (metrics.items() if isinstance(metrics, dict) else ()):
        if not isinstance(name, str) or not name.strip() or len(name) > 60:
            errors[f"metrics.{name}"] = ["A metric name of 1 to 60 characters."]
        elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            errors[f"metrics.{name}"] = ["A finite number."]
    if errors:
        raise ValidationError(errors)
    when = observed_at or timezone.now()
    rows: list[MetricObservation] = [
        MetricObservation(model_version=version, deployment=deployment, name=name.strip(),
                          kind=kind, value=float(value), observed_at=when,
                          source=source or (actor.get_username() if actor is not None else ""))
        for name, value in metrics.items()]
    _validate_rows(rows)
    with transaction.atomic():
        # Observations are append-only monitoring data (no history table): every row was
        # validated above, so one insert writes them all or, on a database error, none.
        return MetricObservation.objects.bulk_create(rows)


def _validate_rows(rows: Iterable[MetricObservation]) -> None:
    """`full_clean` each row; errors name the row (`metrics[<index>].<field>`) or, for a
    field the batch shares, the field once."""
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        try:
            row.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in _BATCH_FIELDS:
                    errors.setdefault(field, list(messages))
                else:
                    errors[f"metrics[{index}].{field}"] = [f"“{row.name}”: {message}"
                                                           for message in messages]
    if errors:
        raise ValidationError(errors)


def deployments_stop(*, version: ModelVersion, actor: Actor, reason: str) -> int:
    """Mark every deployment of `version` that runs (or is unauthorised) as stopped, one
    history row each; called by the versions state machine when a version is archived or
    retired, inside its transaction. Returns how many were stopped."""
    running = {*RUNNING_STATUSES, DeploymentStatus.UNAUTHORISED}
    stopped = 0
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        for deployment in Deployment.objects.select_for_update().filter(
                model_version=version, status__in=running):
            deployment.status = DeploymentStatus.STOPPED
            deployment._change_reason = reason
            deployment.save(update_fields=["status", "updated_at"])
            stopped += 1
    return stopped
