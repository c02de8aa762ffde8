"""Fleet: deployment events from CI/CD and serving platforms keep the inventory's
deployments current.

    created      the version runs at a place (environment, region, segment)
    scaled       its number of instances changed there
    moved        it left the place for another region and/or segment
    removed      it no longer runs there
    rolled_back  an earlier version of the same model serves the place again

Each event becomes one or two deployment reports through `inventory.services.deployments.
deployment_report`, so the rules are the inventory's: the reporter needs the
report-deployment right on the model (its team's members, or a grant), and a version may
run only where its stage and every deployment gate allow — monitoring registers the data
residency gate below. What is refused (409) or recorded as `unauthorised` follows
`CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS`; an unauthorised deployment raises a health finding at
once. Every event is kept (`DeploymentEvent`) with what it did.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from inventory.choices import DeploymentStatus
from inventory.models import DatasetVersion, Deployment, ModelVersion
from inventory.services.deployments import deployment_report
from lineage.models import ResidencyRule
from monitoring.choices import DeploymentEventKind, DeploymentEventOutcome
from monitoring.models import DeploymentEvent

__all__ = ["deployment_event_apply", "residency_gate"]

Actor = AbstractBaseUser | None
K = DeploymentEventKind
_SNAPSHOT = ("status", "endpoint", "replicas", "region", "segment")


def residency_gate(version: ModelVersion, place: dict[str, str]) -> list[str]:
    """A version whose training, validation or test data must stay in a residency region
    may run only in the regions that region's rule allows (GDPR chapter V transfers)."""
    data_regions = set(DatasetVersion.objects.filter(
        model_version_links__model_version=version).exclude(dataset__residency_region="")
        .values_list("dataset__residency_region", flat=True))
    if not data_regions:
        return []
    region = (place.get("region") or "").lower()
    wanted = {name.lower() for name in data_regions}
    problems = []
    for rule in ResidencyRule.objects.order_by("data_region"):
        if rule.data_region.lower() not in wanted:
            continue
        allowed = {name.lower() for name in rule.allowed_regions}
        if region not in allowed:
            problems.append(
                f"{version} uses {rule.data_region} data, which may only be used in "
                f"{', '.join(sorted(allowed)) or 'no region'}; "
                f"{place.get('region') or 'an unnamed region'} is not allowed.")
    return problems


def _place(data: dict[str, Any], *, moved: bool = False) -> dict[str, str]:
    place = {"environment": data["environment"], "region": data.get("region") or "",
             "segment": data.get("segment") or ""}
    if moved:
        place["region"] = data.get("to_region") or place["region"]
        place["segment"] = data.get("to_segment") or place["segment"]
    return place


def _current(version: ModelVersion, place: dict[str, str]) -> Deployment | None:
    return Deployment.objects.filter(model_version=version, **place).first()


def _snapshot(deployment: Deployment | None) -> tuple | None:
    return None if deployment is None else tuple(getattr(deployment, f) for f in _SNAPSHOT)


def _require_running(version: ModelVersion, place: dict[str, str], field: str) -> Deployment:
    deployment = _current(version, place)
    if deployment is None or deployment.status == DeploymentStatus.STOPPED:
        where = "/".join(part for part in place.values() if part)
        raise ValidationError({field: [
            f"{version} is not running at {where}; report it created there first."]})
    return deployment


def _check_shape(kind: str, version: ModelVersion, data: dict[str, Any]) -> None:
    """Rules between the fields of one event (what each kind needs)."""
    errors: dict[str, list[str]] = {}
    target = data.get("to_model_version")
    if kind == K.SCALED and data.get("replicas") is None:
        errors["replicas"] = ["A scaled event says how many instances serve it now."]
    if kind == K.MOVED:
        if not (data.get("to_region") or data.get("to_segment")):
            errors["to_region"] = ["A move names the new region (to_region) and/or segment "
                                   "(to_segment)."]
        elif _place(data, moved=True) == _place(data):
            errors["to_region"] = ["The new place is the place it already runs in."]
    if kind == K.ROLLED_BACK:
        if target is None:
            errors["to_model_version"] = ["A rollback names the earlier version that serves "
                                          "again."]
        elif target.model_id != version.model_id:
            errors["to_model_version"] = ["A rollback goes to a version of the same model."]
        elif target.version >= version.version:
            errors["to_model_version"] = [f"A rollback goes to a version earlier than "
                                          f"{version.version}."]
    elif target is not None:
        errors["to_model_version"] = ["Only a rollback names another version."]
    if errors:
        raise ValidationError(errors)


def deployment_event_apply(*, version: ModelVersion, actor: Actor, reason: str,
                           data: dict[str, Any]) -> DeploymentEvent:
    """Apply one deployment event to the inventory's deployments and keep it.

    Args:
        version: the version the event is about.
        data: kind, environment, region, segment; to_region / to_segment (moved),
            to_model_version (rolled_back), replicas, endpoint, occurred_at.
    Returns:
        The stored event, with its outcome and the deployment serving afterwards.
    Raises:
        PermissionDenied: the actor may not report deployments of this model.
        ValidationError: field by field (e.g. `replicas` missing for `scaled`).
        ConflictError: the version may not run there and the policy is to refuse.
    """
    kind = data["kind"]
    _check_shape(kind, version, data)
    place = _place(data)
    reported: dict[str, Any] = {}
    for name in ("endpoint", "replicas"):
        if data.get(name) not in (None, ""):
            reported[name] = data[name]
    with transaction.atomic():
        if kind == K.CREATED:
            before = _snapshot(_current(version, place))
            deployment, _ = deployment_report(
                version=version, actor=actor, reason=reason,
                data={**place, **reported, "status": DeploymentStatus.ACTIVE,
                      **({"deployed_at": data["occurred_at"]} if data.get("occurred_at")
                         else {})})
        elif kind == K.SCALED:
            before = _snapshot(_require_running(version, place, "region"))
            deployment, _ = deployment_report(version=version, actor=actor, reason=reason,
                                              data={**place, **reported})
        elif kind == K.REMOVED:
            before = _snapshot(_require_running(version, place, "region"))
            deployment, _ = deployment_report(version=version, actor=actor, reason=reason,
                                              data={**place, "status": DeploymentStatus.STOPPED})
        elif kind == K.MOVED:
            source = _require_running(version, place, "region")
            target = _place(data, moved=True)
            before = _snapshot(_current(version, target))
            carried = {"endpoint": source.endpoint, "replicas": source.replicas, **reported}
            deployment, _ = deployment_report(
                version=version, actor=actor, reason=f"{reason} (moved here)",
                data={**target, **carried, "status": DeploymentStatus.ACTIVE})
            deployment_report(version=version, actor=actor, reason=f"{reason} (moved away)",
                              data={**place, "status": DeploymentStatus.STOPPED})
        else:  # rolled back
            source = _require_running(version, place, "region")
            earlier = data["to_model_version"]
            before = _snapshot(_current(earlier, place))
            carried = {"endpoint": source.endpoint, "replicas": source.replicas, **reported}
            deployment, _ = deployment_report(
                version=earlier, actor=actor, reason=f"{reason} (rolled back from {version})",
                data={**place, **carried, "status": DeploymentStatus.ACTIVE})
            deployment_report(version=version, actor=actor,
                              reason=f"{reason} (rolled back to {earlier})",
                              data={**place, "status": DeploymentStatus.STOPPED})
        event = _record(kind=kind, version=version, actor=actor, reason=reason, data=data,
                        deployment=deployment, changed=before != _snapshot(deployment))
        if deployment.status == DeploymentStatus.UNAUTHORISED:
            from monitoring.services.health import health_check

            health_check(deployment_ids=[deployment.pk])
    return event


def _record(*, kind: str, version: ModelVersion, actor: Actor, reason: str,
            data: dict[str, Any], deployment: Deployment, changed: bool) -> DeploymentEvent:
    if deployment.status == DeploymentStatus.UNAUTHORISED:
        outcome = DeploymentEventOutcome.UNAUTHORISED
        detail = deployment.history.first().history_change_reason or ""
    elif changed:
        outcome, detail = DeploymentEventOutcome.APPLIED, ""
    else:
        outcome, detail = DeploymentEventOutcome.UNCHANGED, "The inventory already said so."
    event = DeploymentEvent(
        kind=kind, model_version=version, to_model_version=data.get("to_model_version"),
        environment=data["environment"], region=data.get("region") or "",
        segment=data.get("segment") or "", to_region=data.get("to_region") or "",
        to_segment=data.get("to_segment") or "", replicas=data.get("replicas"),
        endpoint=data.get("endpoint") or "", occurred_at=data.get("occurred_at"),
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:500], outcome=outcome, detail=detail, deployment=deployment)
    event.full_clean()
    event.save()
    return event
