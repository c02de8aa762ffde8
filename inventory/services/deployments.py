"""Deployments and metric observations reported by CI/CD and monitoring.

A pipeline reports "version X now runs in production/eu-west-1/retail at <endpoint>": the
report creates the `Deployment` or updates the one already recorded for that place (one
row per version and place), with history. Metric observations are monitoring data and
are only ever added; the performance-decay trigger reads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.audit import audit_context
from inventory.choices import DeploymentStatus, MetricKind, WebhookEvent
from inventory.models import Deployment, MetricObservation, ModelVersion

__all__ = ["deployment_report", "metric_observations_record"]

Actor = AbstractBaseUser | None
_PLACE = ("environment", "region", "segment")
_REPORTED = ("endpoint", "status", "deployed_at")


def deployment_report(*, version: ModelVersion, actor: Actor, reason: str,
                      data: dict[str, Any]) -> tuple[Deployment, bool]:
    """Record that `version` runs (or stopped running) at a place.

    Args:
        version: the deployed model version.
        data: environment (required), region, segment, endpoint, status, deployed_at.
    Returns:
        (deployment, created).
    Raises:
        ValidationError: field by field; nothing is written.
    """
    from inventory.services.integrations import webhook_event_emit

    unknown = sorted(set(data) - set(_PLACE) - set(_REPORTED))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    place = {name: data.get(name) or "" for name in _PLACE}
    with transaction.atomic(), audit_context(user=actor, reason=reason):
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

    Raises:
        ValidationError: `{"metrics.<name>": [...]}` for a non-numeric or non-finite value,
            `{"kind": ...}`, `{"deployment": ...}` for another version's deployment.
    """
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
    rows: Iterable[MetricObservation] = [
        MetricObservation(model_version=version, deployment=deployment, name=name.strip(),
                          kind=kind, value=float(value), observed_at=when,
                          source=source or (actor.get_username() if actor is not None else ""))
        for name, value in metrics.items()]
    with transaction.atomic():
        return MetricObservation.objects.bulk_create(list(rows))
