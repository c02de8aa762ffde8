"""Reconciliation: compare the inventory with reality and keep one finding per problem.

Reality is what the platforms report (the latest listing of each deployment pipeline,
serving platform and artifact store), what the deployment records say runs where, the
files in Custodia's held storage and in the configured folders, and the monitoring feed
(metric observations). Each check is one set-based query over the whole inventory, so a
run costs a fixed number of queries however many models there are.

Every problem has a key (`unauthorised:stage:<version>:<environment>`, `stale:<model>`…):
a re-run finds the same key and leaves the finding alone, a problem seen again after it
was closed or marked fixed reopens its finding, and a finding whose problem is no longer
seen closes. Runs are serialised by a PostgreSQL advisory lock, so two workers never
reconcile at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils import timezone

from core.audit import audit_context
from core.models import JobRun
from core.models.governed import bulk_create_audited, update_audited
from core.permissions import user_can
from core.storage import HELD_SCHEME, held_storage
from governance.choices import (
    ACTIVE_FINDING_STATUSES,
    FindingKind,
    FindingStatus,
    RealitySourceKind,
)
from governance.models import Finding, RealityItem, RealityListing
from inventory.choices import DeploymentStatus, ModelStage
from inventory.models import (
    DEPLOYABLE_STAGES,
    RUNNING_STATUSES,
    Deployment,
    MetricObservation,
    MLModel,
    ModelVersion,
)

__all__ = [
    "RECONCILE_JOB",
    "REMEDIATION_DAYS",
    "Observed",
    "finding_update",
    "reality_listing_create",
    "reality_listing_items_from_file",
    "reconciliation_run",
    "reconciliation_submit",
    "review_period_days",
]

RECONCILE_JOB = "governance.reconcile"
# Days to fix a finding, from the day it is (re)opened: something running or stored
# without approval is fixed within a week; ownership and reviews within a month.
REMEDIATION_DAYS = {FindingKind.UNAUTHORISED: 7, FindingKind.ORPHANED: 30,
                    FindingKind.STALE: 30}
# Stages a model leaves the active inventory in: no review is due, no owner needed.
INACTIVE_STAGES = (ModelStage.ARCHIVED, ModelStage.RETIRED)
HELD_MODELS_FOLDER = "models"
_LOCK_ID = 0x6375_7374_7265_6331  # "custrec1": the reconciliation singleton lock


@dataclass(frozen=True)
class Observed:
    """One problem seen in this run; `key` names it across runs."""

    key: str
    kind: str
    subject: str
    detail: str
    remediation: str
    source: str = ""
    model_id: int | None = None
    model_version_id: int | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class _Context:
    today: date
    now: object
    default_owner_id: int | None


def review_period_days(risk_tier: str) -> int:
    """Days a model of `risk_tier` may go without a recorded review."""
    periods = settings.CUSTODIA_REVIEW_PERIOD_DAYS
    return int(periods.get(risk_tier, max(periods.values(), default=365)))


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------
def reconciliation_run(*, job_run: JobRun | None = None,
                       progress: Callable[[int, str], None] | None = None) -> dict:
    """Run every check, then open, reopen and close findings in one transaction.

    Returns:
        Counts: models checked, problems seen per kind, findings opened, reopened, closed.
    """
    report = progress or (lambda percent, message: None)
    with transaction.atomic():
        if not _lock():
            report(100, "Another reconciliation is running; this one did nothing.")
            return {"skipped": "another reconciliation is running"}
        context = _Context(today=timezone.localdate(), now=timezone.now(),
                           default_owner_id=_default_owner_id())
        observed: dict[str, Observed] = {}
        for percent, (label, check) in zip(range(5, 80, 12), CHECKS, strict=False):
            found = 0
            for item in check(context):
                observed.setdefault(item.key, item)
                found += 1
            report(percent, f"{label}: {found} problem(s)")
        summary = _apply(observed, context, job_run)
    summary["models_checked"] = MLModel.objects.count()
    summary["seen"] = {kind: sum(1 for o in observed.values() if o.kind == kind)
                       for kind in FindingKind.values}
    report(100, "Opened {opened}, reopened {reopened}, closed {closed}, "
                "unchanged {unchanged}.".format(**summary))
    return summary


def _lock() -> bool:
    """The transaction-scoped singleton lock (PostgreSQL); other databases run one process."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_ID])
        return bool(cursor.fetchone()[0])


def _default_owner_id() -> int | None:
    username = settings.CUSTODIA_FINDINGS_DEFAULT_OWNER
    if not username:
        return None
    return get_user_model().objects.filter(username=username, is_active=True).values_list(
        "pk", flat=True).first()


# --------------------------------------------------------------------------------------
# Writing findings
# --------------------------------------------------------------------------------------
def _apply(observed: dict[str, Observed], context: _Context, job_run: JobRun | None) -> dict:
    existing = {key: (pk, status, detail) for key, pk, status, detail in
                Finding.objects.values_list("key", "pk", "status", "detail")}
    run_label = f"reconciliation run {job_run.pk}" if job_run else "reconciliation"
    new = [_new_finding(item, context, job_run) for key, item in observed.items()
           if key not in existing]
    if new:
        bulk_create_audited(Finding, new, reason=f"Found by {run_label}")
    reopen: dict[str, list[int]] = {}
    changed_detail: list[tuple[int, Observed]] = []
    for key, item in observed.items():
        if key not in existing:
            continue
        pk, status, detail = existing[key]
        if status in (FindingStatus.CLOSED, FindingStatus.RESOLVED):
            reopen.setdefault(item.kind, []).append(pk)
        elif detail != item.detail:
            changed_detail.append((pk, item))
    for kind, pks in reopen.items():
        update_audited(Finding.objects.filter(pk__in=pks), status=FindingStatus.OPEN,
                       closed_at=None, last_run=job_run,
                       due_on=context.today + timedelta(days=REMEDIATION_DAYS[kind]),
                       reason=f"Seen again by {run_label}: reopened")
    for pk, item in changed_detail:
        update_audited(Finding.objects.filter(pk=pk), detail=item.detail, last_run=job_run,
                       reason=f"Details changed, seen by {run_label}")
    gone = [pk for key, (pk, status, _) in existing.items()
            if key not in observed and status in ACTIVE_FINDING_STATUSES]
    if gone:
        update_audited(Finding.objects.filter(pk__in=gone), status=FindingStatus.CLOSED,
                       closed_at=context.now, last_run=job_run,
                       reason=f"No longer seen by {run_label}: closed as fixed")
    reopened = sum(len(pks) for pks in reopen.values())
    return {"opened": len(new), "reopened": reopened, "closed": len(gone),
            "unchanged": len(observed) - len(new) - reopened}


def _new_finding(item: Observed, context: _Context, job_run: JobRun | None) -> Finding:
    return Finding(
        key=item.key, kind=item.kind, status=FindingStatus.OPEN, subject=item.subject[:500],
        detail=item.detail, source=item.source[:200], model_id=item.model_id,
        model_version_id=item.model_version_id,
        owner_id=item.owner_id or context.default_owner_id, remediation=item.remediation,
        due_on=context.today + timedelta(days=REMEDIATION_DAYS[item.kind]),
        first_seen_at=context.now, last_run=job_run)


# --------------------------------------------------------------------------------------
# Checks: each is a generator of `Observed`, driven by one or two set-based queries
# --------------------------------------------------------------------------------------
_MODEL_OWNER_FIELDS = ("owner_id", "owner__is_active", "steward_id", "steward__is_active")


def _accountable(row: dict, prefix: str = "") -> int | None:
    """The model's owner if active, else its steward if active (else the default owner)."""
    if row.get(f"{prefix}owner_id") and row.get(f"{prefix}owner__is_active"):
        return row[f"{prefix}owner_id"]
    if row.get(f"{prefix}steward_id") and row.get(f"{prefix}steward__is_active"):
        return row[f"{prefix}steward_id"]
    return None


def _latest_listings(kinds: Iterable[str]):
    """The newest listing of each (kind, source): what each platform says now."""
    latest = (RealityListing.objects.filter(kind__in=list(kinds)).values("kind", "source")
              .annotate(newest=Max("pk")).values("newest"))
    return RealityListing.objects.filter(pk__in=latest)


def _running_listed(context: _Context) -> Iterator[Observed]:
    """Models the platforms say run: unregistered, or a version whose stage may not run
    in that environment. The matching is done by the database (the names' case-insensitive
    unique index); only the rows with a problem come back."""
    listings = _latest_listings([RealitySourceKind.DEPLOYMENT_REPORT,
                                 RealitySourceKind.SERVING_PLATFORM])
    items = RealityItem.objects.filter(listing__in=listings).exclude(model_name="")
    same_name = Lower(OuterRef("model_name"))
    model_match = MLModel.objects.alias(lname=Lower("name")).filter(lname=same_name)
    version_match = ModelVersion.objects.alias(lname=Lower("model__name")).filter(
        lname=same_name, version=OuterRef("version"))
    fields = ("model_name", "version", "environment", "region", "endpoint", "listing__source")
    unregistered = list(items.filter(
        ~Exists(model_match) | (Q(version__isnull=False) & ~Exists(version_match)))
        .values(*fields))
    not_deployable = Q()
    for environment, stages in DEPLOYABLE_STAGES.items():
        not_deployable |= Q(environment=environment) & ~Q(stage__in=list(stages))
    misplaced = list(items.filter(version__isnull=False).annotate(
        version_pk=Subquery(version_match.values("pk")[:1]),
        stage=Subquery(version_match.values("stage")[:1]),
    ).filter(version_pk__isnull=False).filter(not_deployable).values(*fields, "version_pk"))
    models = {row["lname"]: row for row in MLModel.objects.annotate(lname=Lower("name")).filter(
        lname__in={item["model_name"].lower() for item in unregistered}).values(
        "pk", "name", "lname", *_MODEL_OWNER_FIELDS)}
    versions = {row["pk"]: row for row in ModelVersion.objects.filter(
        pk__in={item["version_pk"] for item in misplaced}).values(
        "pk", "version", "stage", "model_id", "model__name",
        *[f"model__{field}" for field in _MODEL_OWNER_FIELDS])}
    for item in unregistered:
        yield _unregistered_running(item, models.get(item["model_name"].lower()))
    for item in misplaced:
        row = versions[item["version_pk"]]
        model = {"pk": row["model_id"], "name": row["model__name"],
                 **{field: row[f"model__{field}"] for field in _MODEL_OWNER_FIELDS}}
        environment = item["environment"]
        where = "/".join(p for p in (environment, item["region"]) if p)
        yield from _stage_problem(model, row, environment, where,
                                  f"{item['listing__source']} listing")


def _unregistered_running(item: dict, model: dict | None) -> Observed:
    name, environment = item["model_name"], item["environment"] or "unknown"
    where = "/".join(p for p in (environment, item["region"]) if p)
    source = f"{item['listing__source']} listing"
    label = f"{name} v{item['version']}" if item["version"] else name
    return Observed(
        key=f"unauthorised:running:{name.lower()}:{item['version'] or '-'}:{environment}",
        kind=FindingKind.UNAUTHORISED, subject=f"{label} running in {where}",
        detail=(f"{source} reports {label} running in {where}"
                f"{' at ' + item['endpoint'] if item['endpoint'] else ''}, "
                "but no such model or version is registered."),
        remediation="Register the model and version in Custodia, or take the deployment "
                    "down.",
        source=source, model_id=model["pk"] if model else None,
        owner_id=_accountable(model) if model else None)


def _stage_problem(model: dict, version: dict, environment: str, where: str,
                   source: str) -> Iterator[Observed]:
    allowed = DEPLOYABLE_STAGES.get(environment)
    if allowed is None or version["stage"] in allowed:
        return
    label = f"{model['name']} v{version['version']}"
    yield Observed(
        key=f"unauthorised:stage:{version['pk']}:{environment}",
        kind=FindingKind.UNAUTHORISED, subject=f"{label} running in {where}",
        detail=(f"{source} shows {label} in {where}, but the version is in the "
                f"{version['stage']} stage, which is not approved to run in {environment}."),
        remediation=f"Promote the version through the approvals for {environment}, or roll "
                    "the deployment back to an approved version.",
        source=source, model_id=model["pk"], model_version_id=version["pk"],
        owner_id=_accountable(model))


def _deployments_recorded(context: _Context) -> Iterator[Observed]:
    """Deployment records of running versions whose stage may not run there."""
    not_deployable = Q(status=DeploymentStatus.UNAUTHORISED)
    for environment, stages in DEPLOYABLE_STAGES.items():
        not_deployable |= (Q(environment=environment, status__in=list(RUNNING_STATUSES))
                           & ~Q(model_version__stage__in=list(stages)))
    rows = Deployment.objects.filter(not_deployable).values(
        "environment", "region", "model_version_id", "model_version__version",
        "model_version__stage", "model_version__model_id", "model_version__model__name",
        *[f"model_version__model__{field}" for field in _MODEL_OWNER_FIELDS])
    for row in rows:
        model = {"pk": row["model_version__model_id"],
                 "name": row["model_version__model__name"],
                 **{field: row[f"model_version__model__{field}"] for field in _MODEL_OWNER_FIELDS}}
        version = {"pk": row["model_version_id"], "version": row["model_version__version"],
                   "stage": row["model_version__stage"]}
        where = "/".join(p for p in (row["environment"], row["region"]) if p)
        yield from _stage_problem(model, version, row["environment"], where,
                                  "Deployment record")


def _stored_files(context: _Context) -> Iterator[Observed]:
    """Files in held storage, the configured folders and artifact-store listings that no
    registered model version points at."""
    registered = set(ModelVersion.objects.exclude(artifact_uri="").values_list(
        "artifact_uri", flat=True))
    for uri, source in _stored_uris():
        if uri not in registered:
            yield Observed(
                key=f"unauthorised:stored:{uri}", kind=FindingKind.UNAUTHORISED,
                subject=uri, source=source,
                detail=f"{source} holds {uri}, which no registered model version points at.",
                remediation="Register the file as a model version's artefact, or delete it "
                            "from the store.")


def _stored_uris() -> Iterator[tuple[str, str]]:
    storage = held_storage()
    if storage.exists(HELD_MODELS_FOLDER):
        for name in _walk_storage(storage, HELD_MODELS_FOLDER):
            yield f"{HELD_SCHEME}{name}", "Custodia held storage"
    for folder in settings.CUSTODIA_RECONCILIATION_FOLDERS:
        root = Path(folder)
        for directory, _, files in os.walk(root):
            for file_name in files:
                yield (Path(directory, file_name).resolve().as_uri(),
                       f"Artifact folder {root}")
    listings = _latest_listings([RealitySourceKind.ARTIFACT_STORE])
    for uri, source in RealityItem.objects.filter(listing__in=listings).exclude(
            artifact_uri="").values_list("artifact_uri", "listing__source"):
        yield uri, f"{source} listing"


def _walk_storage(storage, folder: str) -> Iterator[str]:
    directories, files = storage.listdir(folder)
    for file_name in files:
        yield f"{folder}/{file_name}"
    for directory in directories:
        yield from _walk_storage(storage, f"{folder}/{directory}")


def _monitored_retired(context: _Context) -> Iterator[Observed]:
    """Versions archived or retired in the inventory that the monitoring feed still sees
    serving (observations within the usage window)."""
    since = context.now - timedelta(days=settings.CUSTODIA_RECONCILIATION_USAGE_DAYS)
    recent = MetricObservation.objects.filter(model_version=OuterRef("pk"),
                                              observed_at__gte=since)
    rows = ModelVersion.objects.filter(stage__in=INACTIVE_STAGES).filter(Exists(recent)).values(
        "pk", "version", "stage", "model_id", "model__name",
        *[f"model__{field}" for field in _MODEL_OWNER_FIELDS])
    for row in rows:
        label = f"{row['model__name']} v{row['version']}"
        yield Observed(
            key=f"unauthorised:monitored:{row['pk']}", kind=FindingKind.UNAUTHORISED,
            subject=f"{label} still reporting metrics",
            detail=(f"The monitoring feed has observations of {label} in the last "
                    f"{settings.CUSTODIA_RECONCILIATION_USAGE_DAYS} days, but the version is "
                    f"{row['stage']}."),
            remediation="Stop the traffic to this version, or bring it back through the "
                        "lifecycle and its approvals.",
            source="Monitoring feed", model_id=row["model_id"], model_version_id=row["pk"],
            owner_id=_accountable(row, "model__"))


def _orphaned(context: _Context) -> Iterator[Observed]:
    """Active models whose owner is inactive or gone, with no deployment and no use."""
    since = context.now - timedelta(days=settings.CUSTODIA_RECONCILIATION_USAGE_DAYS)
    running = Deployment.objects.filter(model_version__model=OuterRef("pk"),
                                        status__in=list(RUNNING_STATUSES))
    used = MetricObservation.objects.filter(model_version__model=OuterRef("pk"),
                                            observed_at__gte=since)
    rows = (MLModel.objects.exclude(stage__in=INACTIVE_STAGES)
            .filter(Q(owner__isnull=True) | Q(owner__is_active=False))
            .exclude(Exists(running)).exclude(Exists(used))
            .values("pk", "name", "owner__username", *_MODEL_OWNER_FIELDS))
    for row in rows:
        who = (f"its owner {row['owner__username']} is no longer active"
               if row["owner_id"] else "it has no owner")
        yield Observed(
            key=f"orphaned:{row['pk']}", kind=FindingKind.ORPHANED, subject=row["name"],
            detail=(f"{row['name']}: {who}, no version is deployed and the monitoring feed "
                    f"has seen no use in {settings.CUSTODIA_RECONCILIATION_USAGE_DAYS} days."),
            remediation="Assign an active owner, or retire the model.",
            source="Inventory", model_id=row["pk"], owner_id=_accountable(row))


def _stale(context: _Context) -> Iterator[Observed]:
    """Active models not reviewed within the period their risk tier requires (counted from
    registration when never reviewed)."""
    reviewed = Coalesce(F("last_reviewed_on"), TruncDate("created_at"))
    overdue = Q()
    tiers = {*settings.CUSTODIA_REVIEW_PERIOD_DAYS}
    for tier in tiers:
        cutoff = context.today - timedelta(days=review_period_days(tier))
        overdue |= Q(risk_tier=tier, reviewed__lt=cutoff)
    if not tiers:
        return
    rows = (MLModel.objects.exclude(stage__in=INACTIVE_STAGES).alias(reviewed=reviewed)
            .filter(overdue).values("pk", "name", "risk_tier", "last_reviewed_on",
                                    *_MODEL_OWNER_FIELDS))
    for row in rows:
        period = review_period_days(row["risk_tier"])
        last = (f"last reviewed on {row['last_reviewed_on']:%Y-%m-%d}"
                if row["last_reviewed_on"] else "never reviewed since registration")
        yield Observed(
            key=f"stale:{row['pk']}", kind=FindingKind.STALE, subject=row["name"],
            detail=(f"{row['name']} is {row['risk_tier']} risk and must be reviewed every "
                    f"{period} days; it was {last}."),
            remediation="Review the model and record the review.",
            source="Inventory", model_id=row["pk"], owner_id=_accountable(row))


CHECKS: list[tuple[str, Callable[[_Context], Iterable[Observed]]]] = [
    ("Platform listings", _running_listed),
    ("Deployment records", _deployments_recorded),
    ("Stored artefacts", _stored_files),
    ("Monitoring feed", _monitored_retired),
    ("Owners", _orphaned),
    ("Reviews", _stale),
]


def reconciliation_submit(*, actor, reason: str = "Started by hand") -> JobRun:
    """Queue a reconciliation run now (the run-now button and the API).

    Raises:
        PermissionDenied: the actor may not start runs.
    """
    from core.services.job_runs import job_run_submit

    if not user_can(actor, "run_reconciliation", model=Finding):
        raise PermissionDenied("Starting a reconciliation needs the right to run it.")
    with audit_context(user=actor, reason=reason):
        return job_run_submit(name=RECONCILE_JOB, user=actor)


# --------------------------------------------------------------------------------------
# People working on findings
# --------------------------------------------------------------------------------------
_WORKABLE = {FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED}


def finding_update(*, finding: Finding, actor, reason: str, status: str | None = None,
                   owner=None, due_on: date | None = None) -> Finding:
    """Move a finding to "being fixed" or "marked fixed" (or back to open), hand it to
    another owner, or move its due date. Closing and reopening are reconciliation's: a
    finding closes when reality no longer shows the problem.

    Raises:
        PermissionDenied: the actor may not work on this finding.
        ValidationError: no reason, a status people may not set, an inactive owner, a
            due date in the past.
    """
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["Say why (it is kept in the finding's history)."]
    if status is not None and status not in _WORKABLE:
        errors["status"] = ["Choose open, being fixed or marked fixed; reconciliation closes "
                            "a finding once the problem is gone."]
    if owner is not None and not owner.is_active:
        errors["owner"] = ["Choose an active person."]
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = ["A due date cannot be in the past."]
    if errors:
        raise ValidationError(errors)
    if not user_can(actor, "work_finding", finding):
        raise PermissionDenied("Working on findings needs the right to work on this finding.")
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance = Finding.objects.select_for_update().get(pk=finding.pk)
        if instance.status == FindingStatus.CLOSED:
            raise ValidationError({"status": ["This finding is closed: the problem is no "
                                              "longer seen. It reopens by itself if it comes back."]})
        for field, value in (("status", status), ("owner", owner), ("due_on", due_on)):
            if value is not None:
                setattr(instance, field, value)
        instance.full_clean()
        instance._change_reason = reason
        instance.save()
    return instance


# --------------------------------------------------------------------------------------
# Listings of reality
# --------------------------------------------------------------------------------------
LISTING_ITEM_FIELDS = ("model_name", "version", "environment", "region", "endpoint",
                       "artifact_uri")


def reality_listing_create(*, actor, kind: str, source: str, items: list[dict],
                           file_name: str = "") -> RealityListing:
    """Store one listing of reality as received (all its items, or nothing).

    Raises:
        PermissionDenied: the actor may not report listings.
        ValidationError: an unknown kind, no source, or an item that names neither a model
            nor a stored file (the message names the item's position).
    """
    if not user_can(actor, "add", model=RealityListing):
        raise PermissionDenied("Reporting listings needs the right to add them.")
    listing = RealityListing(kind=kind, source=(source or "").strip(), submitted_by=actor,
                             file_name=file_name[:200], item_count=len(items))
    listing.full_clean()
    rows = []
    errors: dict[str, list[str]] = {}
    for position, data in enumerate(items, start=1):
        row = RealityItem(**{field: data.get(field) if field == "version" else
                             (data.get(field) or "") for field in LISTING_ITEM_FIELDS})
        try:
            _item_check(row, kind)
            row.full_clean(exclude=["listing"])
        except ValidationError as error:
            errors[f"items[{position}]"] = [
                f"{field}: {'; '.join(messages)}" for field, messages in
                error.message_dict.items()]
        rows.append(row)
        if len(errors) >= 20:
            break
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        listing.save()
        for row in rows:
            row.listing = listing
        RealityItem.objects.bulk_create(rows, batch_size=2000)
    return listing


def _item_check(row: RealityItem, kind: str) -> None:
    if kind == RealitySourceKind.ARTIFACT_STORE:
        if not row.artifact_uri:
            raise ValidationError({"artifact_uri": ["An artifact-store item is a stored file: "
                                                    "give its artifact_uri."]})
    elif not row.model_name:
        raise ValidationError({"model_name": ["Name the model that runs (its registered "
                                              "name)."]})


LISTING_FILE_MAX_BYTES = 50 * 1024 * 1024


def reality_listing_items_from_file(upload) -> list[dict]:
    """The items of an uploaded listing: CSV with a header row (columns among
    model_name, version, environment, region, endpoint, artifact_uri) or JSON (a list of
    items, or an object with `items`).

    Raises:
        ValidationError: on `file`, saying what is wrong with it.
    """
    import csv
    import io
    import json

    if upload.size > LISTING_FILE_MAX_BYTES:
        raise ValidationError({"file": [f"A listing file is at most "
                                        f"{LISTING_FILE_MAX_BYTES // (1024 * 1024)} MB."]})
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
    name = (upload.name or "").lower()
    if name.endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ValidationError({"file": [f"Not valid JSON: {error}."]}) from None
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValidationError({"file": ["JSON listings are a list of items (objects), or "
                                            "an object with an `items` list."]})
        return items
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or ())
    if not columns & {"model_name", "artifact_uri"}:
        raise ValidationError({"file": ["A CSV listing has a header row with model_name "
                                        "(and version, environment, region, endpoint) or "
                                        "artifact_uri."]})
    return [{key: (value or "").strip() or (None if key == "version" else "")
             for key, value in row.items() if key in LISTING_ITEM_FIELDS} for row in reader]
