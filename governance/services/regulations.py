"""Regulatory frameworks, their versions and requirements: writes, revisions and the loader.

Rules kept here:
- A requirement that an assessment was made against never changes: changing it writes a
  new revision (`replaces` the old one, which stays for the assessments that cite it).
  One nobody was assessed against yet is changed in place, with its history.
- A framework version, requirement or framework that an assessment cites cannot be
  deleted (409): the evidence must stay readable.
- Any change to what applies or what counts as evidence starts a full recompute after
  commit (the receivers in `governance.compliance_receivers`, on every path).

The shipped frameworks (GDPR, CCPA, HIPAA, SOX, EU AI Act, NIST AI RMF, SR 11-7, SR 26-2)
live as JSON in `governance/data/regulations/` and are loaded by `regulations_load`, which
the data migration and `manage.py load_regulations` both call.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from core.audit import audit_context
from core.exceptions import ConflictError
from core.services.records import record_create, record_delete, record_save, record_update
from governance.models import (
    ComplianceAssessment,
    FrameworkVersion,
    RegulatoryFramework,
    Requirement,
    RequirementResult,
)

__all__ = [
    "REGULATIONS_DIR",
    "framework_create",
    "framework_delete",
    "framework_version_create",
    "framework_version_create_next",
    "framework_version_delete",
    "framework_version_in_use",
    "framework_version_update",
    "regulations_load",
    "requirement_create",
    "requirement_delete",
    "requirement_in_use",
    "requirement_update",
]

REGULATIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "regulations"
LOADER_LABEL = "command:load_regulations"


# --------------------------------------------------------------------------------------
# Frameworks
# --------------------------------------------------------------------------------------
def framework_create(*, actor, reason: str, data: dict[str, Any]) -> RegulatoryFramework:
    """Create a framework with an empty first version, current from now.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic():
        framework = record_create(model_class=RegulatoryFramework, actor=actor, reason=reason,
                                  data=data)
        record_create(model_class=FrameworkVersion, actor=actor, reason=reason, data={
            "framework": framework, "version": 1, "label": f"{framework} version 1",
            "effective_date": timezone.localdate(), "is_current": True})
    return framework


def framework_delete(*, framework: RegulatoryFramework, actor, reason: str) -> None:
    """Delete a framework that no assessment cites, with its versions and requirements.

    Raises:
        ConflictError: an assessment cites one of its versions; nothing is deleted.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        if ComplianceAssessment.objects.filter(framework=framework).exists():
            raise ConflictError(f"Models were assessed against {framework}: it cannot be "
                                "deleted, so those assessments stay readable.")
        # Its versions and their requirements go with it, each with its history row.
        record_delete(instance=framework, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------
# Framework versions
# --------------------------------------------------------------------------------------
def framework_version_in_use(version: FrameworkVersion) -> bool:
    """Whether an assessment (current or past) was made against `version`."""
    return ComplianceAssessment.objects.filter(framework_version=version).exists()


def framework_version_update(*, version: FrameworkVersion, actor, reason: str,
                             data: dict[str, Any]) -> FrameworkVersion:
    """Change a version's label, dates, notes or applicability rule (a changed rule
    recomputes every model after commit)."""
    return record_update(instance=version, actor=actor, reason=reason, data=data)


def framework_version_delete(*, version: FrameworkVersion, actor, reason: str) -> None:
    """Delete a version no assessment cites, with its requirements.

    Raises:
        ConflictError: the version is in use; nothing is deleted.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        if framework_version_in_use(version):
            raise ConflictError(f"{version} is in use: models were assessed against it. "
                                "Start a new version instead of deleting this one.")
        # Its requirements go with it (none has a later revision: revisions are only
        # written for requirements in use), each with its history row.
        record_delete(instance=version, actor=actor, reason=reason)


def framework_version_create_next(*, framework: RegulatoryFramework, actor, reason: str,
                                  label: str = "", notes: str = "",
                                  effective_date: date | None = None,
                                  applies_when: dict | None = None) -> FrameworkVersion:
    """Start the next version of `framework` from the current one's requirements (and,
    unless given, its applicability rule); it becomes current at once (the previous
    version stays for the assessments citing it).

    Returns:
        The new version, whose requirements can be changed in place until assessed.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        locked = RegulatoryFramework.objects.select_for_update().get(pk=framework.pk)
        previous = locked.versions.filter(is_current=True).first()
        number = (locked.versions.order_by("-version").values_list("version", flat=True)
                  .first() or 0) + 1
        if previous is not None:
            previous.is_current = False
            record_save(previous, actor=actor, reason=reason)
        version = record_create(model_class=FrameworkVersion, actor=actor, reason=reason, data={
            "framework": locked, "version": number,
            "label": label or f"{locked} version {number}", "notes": notes,
            "effective_date": effective_date or timezone.localdate(), "is_current": True,
            "applies_when": applies_when if applies_when is not None else (
                previous.applies_when if previous else {})})
        if previous is not None:
            for requirement in previous.requirements.filter(is_current=True):
                _copy_requirement(requirement, version, actor=actor, reason=reason)
    return version


def framework_version_create(*, actor, reason: str, data: dict[str, Any]) -> FrameworkVersion:
    """`framework_version_create_next` from a door's validated data (API)."""
    return framework_version_create_next(
        framework=data["framework"], actor=actor, reason=reason, label=data.get("label", ""),
        notes=data.get("notes", ""), effective_date=data.get("effective_date"),
        applies_when=data.get("applies_when"))


def _copy_requirement(requirement: Requirement, version: FrameworkVersion, *, actor,
                      reason: str) -> Requirement:
    data = {field: getattr(requirement, field) for field in Requirement.CONTENT_FIELDS}
    return record_create(model_class=Requirement, actor=actor, reason=reason,
                         data={**data, "framework_version": version})


# --------------------------------------------------------------------------------------
# Requirements
# --------------------------------------------------------------------------------------
def requirement_in_use(requirement: Requirement) -> bool:
    """Whether an assessment result cites this revision."""
    return RequirementResult.objects.filter(requirement=requirement).exists()


def requirement_create(*, actor, reason: str, data: dict[str, Any]) -> Requirement:
    """Add a requirement (revision 1) to a framework version.

    Raises:
        ValidationError: field by field (unknown evidence check, bad rule…); nothing written.
    """
    with transaction.atomic():
        version = data.get("framework_version")
        if isinstance(version, FrameworkVersion):
            _refuse_past_version(version)
        return record_create(model_class=Requirement, actor=actor, reason=reason, data=data)


def _refuse_past_version(version: FrameworkVersion) -> None:
    """A version that is no longer current and was assessed against is a closed record."""
    if not version.is_current and framework_version_in_use(version):
        raise ConflictError(f"{version} is no longer current and models were assessed "
                            "against it: its requirements stay as they were.")


def requirement_update(*, requirement: Requirement, actor, reason: str,
                       data: dict[str, Any]) -> Requirement:
    """Change a requirement: in place while no assessment cites it, otherwise as a new
    revision that replaces it (the cited revision stays as it was).

    Returns:
        The requirement as it is now in force (a new row when a revision was written).

    Raises:
        ValidationError: field by field; nothing is written.
        ConflictError: the revision was already replaced; change the current one.
    """
    data = {k: v for k, v in data.items() if k in Requirement.CONTENT_FIELDS}
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        stored = Requirement.objects.select_for_update().get(pk=requirement.pk)
        if not stored.is_current:
            raise ConflictError(f"Revision {stored.revision} of {stored.clause} was replaced; "
                                "change the revision in force instead.")
        _refuse_past_version(stored.framework_version)
        changed = {k: v for k, v in data.items() if getattr(stored, k) != v}
        if not changed:
            return stored
        if not requirement_in_use(stored):
            updated = record_update(instance=stored, actor=actor, reason=reason, data=changed)
        else:
            updated = _revise(stored, changed, actor=actor, reason=reason)
    return updated


def _revise(stored: Requirement, changed: dict[str, Any], *, actor, reason: str) -> Requirement:
    revision = Requirement(framework_version=stored.framework_version, revision=stored.revision + 1,
                           replaces=stored, is_current=True,
                           **{f: getattr(stored, f) for f in Requirement.CONTENT_FIELDS})
    for field, value in changed.items():
        setattr(revision, field, value)
    # Validate the new text before retiring the old one: a refused change writes nothing.
    revision.full_clean(exclude=["replaces"], validate_constraints=False)
    stored.is_current = False
    record_save(stored, actor=actor, reason=f"Replaced by revision {revision.revision}: {reason}")
    return record_save(revision, actor=actor, reason=reason)


def requirement_delete(*, requirement: Requirement, actor, reason: str) -> None:
    """Delete a requirement no assessment cites.

    Raises:
        ConflictError: an assessment cites it; nothing is deleted.
    """
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        if requirement_in_use(requirement) or requirement.replaced_by.exists():
            raise ConflictError(f"{requirement.clause} ({requirement.framework_version}) is "
                                "cited by assessments or by a later revision: it cannot be "
                                "deleted. Start a new framework version without it instead.")
        record_delete(instance=requirement, actor=actor, reason=reason)


# --------------------------------------------------------------------------------------
# The shipped frameworks
# --------------------------------------------------------------------------------------
def regulations_load(*, apps=global_apps, directory: Path = REGULATIONS_DIR,
                     reason: str = "Shipped regulatory frameworks") -> dict[str, int]:
    """Create the shipped frameworks, versions and requirements that are missing.

    Safe to run again: what exists (possibly edited by compliance officers) is kept as it
    is; only missing frameworks, versions (by label) and requirements (by key) are added.
    With `apps` from a migration it writes through that migration's models, recording
    the "created" history rows itself (simple-history's signals do not run there).

    Returns:
        How many frameworks, versions and requirements were created.
    """
    models = {name: apps.get_model("governance", name) for name in (
        "RegulatoryFramework", "FrameworkVersion", "Requirement")}
    created = {"frameworks": 0, "versions": 0, "requirements": 0}
    with transaction.atomic(), audit_context(label=LOADER_LABEL, reason=reason):
        for path in sorted(directory.glob("*.json")):
            _load_framework(json.loads(path.read_text(encoding="utf-8")), models, apps,
                            created, reason)
    return created


def _load_framework(spec: dict, models: dict, apps, created: dict, reason: str) -> None:
    framework_model, version_model, requirement_model = (
        models["RegulatoryFramework"], models["FrameworkVersion"], models["Requirement"])
    framework = framework_model.objects.filter(code=spec["code"]).first()
    if framework is None:
        framework = _create(apps, framework_model, reason, **{
            key: spec.get(key, "") for key in ("code", "name", "short_name", "jurisdiction",
                                               "authority", "description", "source_url")})
        created["frameworks"] += 1
    version_spec = spec["version"]
    version = version_model.objects.filter(framework=framework,
                                           label=version_spec["label"]).first()
    if version is None:
        number = (version_model.objects.filter(framework=framework).order_by("-version")
                  .values_list("version", flat=True).first() or 0) + 1
        is_current = not version_model.objects.filter(framework=framework,
                                                      is_current=True).exists()
        effective = version_spec.get("effective_date")
        version = _create(apps, version_model, reason, framework=framework, version=number,
                          label=version_spec["label"], is_current=is_current,
                          effective_date=date.fromisoformat(effective) if effective else None,
                          applies_when=version_spec.get("applies_when") or {},
                          notes=version_spec.get("notes", ""))
        created["versions"] += 1
    existing = set(requirement_model.objects.filter(framework_version=version)
                   .values_list("key", flat=True))
    for order, item in enumerate(spec["requirements"], start=1):
        if item["key"] in existing:
            continue
        _create(apps, requirement_model, reason, framework_version=version, key=item["key"],
                clause=item["clause"], title=item["title"], summary=item["summary"],
                evidence=item["evidence"], evidence_checks=item["evidence_checks"],
                applies_when=item.get("applies_when") or {}, order=order * 10)
        created["requirements"] += 1


def _create(apps, model, reason: str, **fields):
    """Create a validated row; in a migration, also its "created" history row."""
    obj = model(**fields)
    if apps is global_apps:
        obj.full_clean()
        obj._change_reason = reason
        obj.save()
        return obj
    obj.save()
    history = apps.get_model("governance", f"Historical{model.__name__}")
    values = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
    history.objects.create(**values, history_date=timezone.now(), history_type="+",
                           history_change_reason=reason, history_actor=LOADER_LABEL)
    return obj
