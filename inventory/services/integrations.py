"""Integrations: outgoing webhooks, and the export/import exchange with CMDBs and asset registers.

## Webhooks

Flow: a registry signal (sent by the services after commit) → `webhook_event_emit` writes
one `WebhookDelivery` per interested webhook and enqueues its delivery through the outbox
(`task_enqueue`), so a broker outage delays the delivery instead of failing the request.
The `inventory.webhook_deliver` task makes one HTTP attempt (`webhook_delivery_attempt`),
logs it as a `WebhookAttempt`, and on failure schedules the next attempt with exponential
back-off; the scheduled `inventory.webhook_retry_due` job enqueues the attempts that are
due. A delivery gives up after its webhook's `max_attempts`.

Signature (what receivers verify; see README "CI/CD, webhooks, retention and exchange"):

    X-Custodia-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

The timestamp is signed too, so a captured request cannot be replayed later unnoticed.


## Exchange

Schema `custodia.inventory/v1` (documented in the README): eight sections, `models`,
`datasets`, `features`, `pipelines`, `model_versions`, `branches`, `dataset_links` and
`deployments`, one object (JSON) or row (CSV) per record, with the columns of `SECTIONS`
(the last three, keyed by the natural keys of the records they name, are described in
`inventory.services.integrations_links`). People are user names, a team is its slug, a feature's dataset is
the dataset's name, tags and compliance tags are lists of names (`|`-separated in CSV),
JSON-valued fields are JSON text in CSV. `READ_ONLY` columns (e.g. `stage`) are exported
for information and ignored on import. A field the exporting user may not see (the
datasheet of a sensitive dataset) is left out of JSON and written as `[hidden]` in CSV;
on import an absent column or `[hidden]` leaves the field as it is.

Import matches rows to assets by name (case-insensitive), and versions by model name and
number: a new one is registered, a known one updated, through the catalogue services
(same rules as every other door: a frozen version never changes, and a new version must
carry the next number, since Custodia numbers versions without gaps).
Round-trip safe: importing an export changes nothing (rows equal to the stored asset are
"unchanged" and write no history). All or nothing: every row is tried in one
transaction; if any row has errors, the transaction is rolled back and the report lists
each bad row with its field errors.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.dispatch import receiver
from django.utils import timezone

from core.exceptions import ConflictError
from core.permissions import user_can
from inventory.choices import DeliveryStatus, WebhookEvent
from inventory.models import (
    FROZEN_STAGES,
    Dataset,
    Deployment,
    Feature,
    MLModel,
    ModelBranch,
    ModelVersion,
    ModelVersionDataset,
    Pipeline,
    Team,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from inventory.services.integrations_links import LINKED_SECTIONS
from inventory.signals import alias_moved, model_version_registered, model_version_stage_changed

__all__ = [
    "DELIVER_TASK",
    "HIDDEN",
    "LIST_SEPARATOR",
    "READ_ONLY",
    "SCHEMA",
    "SECTIONS",
    "SIGNATURE_HEADER",
    "ImportReport",
    "inventory_export",
    "inventory_export_csv",
    "inventory_import",
    "parse_csv",
    "webhook_create",
    "webhook_delete",
    "webhook_deliveries_due",
    "webhook_delivery_attempt",
    "webhook_event_emit",
    "webhook_signature",
    "webhook_signature_verify",
    "webhook_update",
]

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Custodia-Signature"
DELIVER_TASK = "inventory.webhook_deliver"


# --------------------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------------------
def webhook_signature(*, secret: str, body: bytes, timestamp: int) -> str:
    """The `X-Custodia-Signature` header value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def webhook_signature_verify(*, secret: str, body: bytes, header: str,
                             tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """Whether `header` is a valid signature of `body` made within `tolerance_seconds`.

    The reference implementation of what a receiver does (constant-time comparison).
    """
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_seconds:
        return False
    expected = webhook_signature(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


# --------------------------------------------------------------------------------------
# Emitting events
# --------------------------------------------------------------------------------------
def webhook_event_emit(*, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active webhook that wants it.

    Args:
        event: a `WebhookEvent` value.
        data: the event's JSON-serialisable details (ids, names, stages, actor, reason).
    Returns:
        The deliveries created (none when no webhook listens).
    """
    from core.services.jobs import task_enqueue

    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    deliveries = []
    with transaction.atomic():
        for webhook in Webhook.objects.filter(active=True):
            if not webhook.wants(event):
                continue
            delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, payload={})
            delivery.payload = json.loads(json.dumps({
                "id": str(delivery.delivery_id), "event": event,
                "occurred_at": timezone.now(), "data": data}, cls=DjangoJSONEncoder))
            delivery.save(update_fields=["payload"])
            task_enqueue(DELIVER_TASK, delivery_id=delivery.pk)
            deliveries.append(delivery)
    return deliveries


def _backoff(attempts: int) -> timedelta:
    """Exponential back-off: base, 2 x base, 4 x base ... capped (settings)."""
    base = settings.CUSTODIA_WEBHOOK_BACKOFF_SECONDS
    return timedelta(seconds=min(base * (2 ** max(0, attempts - 1)),
                                 settings.CUSTODIA_WEBHOOK_BACKOFF_MAX_SECONDS))


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one HTTP attempt of a delivery and log it; schedule a retry if it failed.

    No database lock is held during the HTTP call (a slow receiver must not block
    writers); the outbox claim makes each queued attempt run once, and receivers can
    de-duplicate on `X-Custodia-Delivery` should a crashed worker's attempt be re-run.

    Returns:
        The delivery after the attempt, or None if it was already finished.
    """
    delivery = (WebhookDelivery.objects.select_related("webhook").filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]).first())
    if delivery is None:
        return None
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    status, response_body, error, duration = _post(webhook, delivery, body)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("webhook").get(
            pk=delivery_id)
        number = delivery.attempts + 1
        WebhookAttempt.objects.create(delivery=delivery, number=number, response_status=status,
                                      response_body=response_body[:2000], error=error[:2000],
                                      duration_ms=duration)
        delivery.attempts = number
        delivery.last_response_status = status
        ok = status is not None and 200 <= status < 300
        delivery.last_error = "" if ok else (error or f"HTTP {status}")[:2000]
        now = timezone.now()
        if ok:
            delivery.status, delivery.completed_at, delivery.next_attempt_at = (
                DeliveryStatus.SUCCEEDED, now, None)
        elif number >= webhook.max_attempts or not webhook.active:
            delivery.status, delivery.completed_at, delivery.next_attempt_at = (
                DeliveryStatus.FAILED, now, None)
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = now + _backoff(number)
        delivery.save()
    return delivery


def _post(webhook: Webhook, delivery: WebhookDelivery,
          body: bytes) -> tuple[int | None, str, str, int]:
    """POST the signed body; (status or None, response text, error text, milliseconds)."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Custodia-Webhooks/1",
        "X-Custodia-Event": delivery.event,
        "X-Custodia-Delivery": str(delivery.delivery_id),
        SIGNATURE_HEADER: webhook_signature(secret=webhook.secret, body=body,
                                            timestamp=int(time.time())),
    }
    request = urllib.request.Request(webhook.url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(
                request, timeout=settings.CUSTODIA_WEBHOOK_TIMEOUT_SECONDS) as response:
            status, text, error = response.status, response.read(2000).decode(
                "utf-8", "replace"), ""
    except urllib.error.HTTPError as failure:
        status, text, error = failure.code, failure.read(2000).decode("utf-8", "replace"), ""
    except (urllib.error.URLError, OSError, ValueError) as failure:
        status, text, error = None, "", f"{type(failure).__name__}: {failure}"
    return status, text, error, int((time.monotonic() - started) * 1000)


def webhook_deliveries_due(*, limit: int = 200) -> int:
    """Enqueue (through the outbox) every retry whose back-off has elapsed.

    Returns:
        How many deliveries were queued.
    """
    from core.services.jobs import task_enqueue

    with transaction.atomic():
        due = list(WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        for delivery_id in due:
            task_enqueue(DELIVER_TASK, delivery_id=delivery_id)
        # Not due again until this attempt has run (or failed and re-scheduled itself).
        WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=None)
    return len(due)


# --------------------------------------------------------------------------------------
# Registry signals → events (the signals are sent after the services' commit)
# --------------------------------------------------------------------------------------
def _emit_safely(event: str, data: dict[str, Any]) -> None:
    """Receivers run after the change committed: a failure to queue an event is logged,
    never turned into an error of a request whose change is already saved."""
    try:
        webhook_event_emit(event=event, data=data)
    except Exception:  # logged with its traceback
        logger.exception("Webhook event %s could not be queued", event)


def _actor_name(actor) -> str:
    from core.audit import describe_actor

    return describe_actor(actor)


def _version_data(version) -> dict[str, Any]:
    return {"model_version": {"id": version.pk, "model": version.model_id,
                              "model_name": version.model.name, "version": version.version,
                              "stage": version.stage, "artifact_uri": version.artifact_uri,
                              "artifact_sha256": version.artifact_sha256}}


@receiver(model_version_registered, dispatch_uid="custodia-webhooks-registered")
def _on_registered(sender, version, actor=None, reason: str = "", **kwargs) -> None:
    _emit_safely(WebhookEvent.VERSION_REGISTERED, {
        **_version_data(version), "actor": _actor_name(actor), "reason": reason})


@receiver(model_version_stage_changed, dispatch_uid="custodia-webhooks-stage-changed")
def _on_stage_changed(sender, version, from_stage: str, to_stage: str, actor=None,
                      reason: str = "", **kwargs) -> None:
    data = {**_version_data(version), "from_stage": from_stage, "to_stage": to_stage,
            "actor": _actor_name(actor), "reason": reason}
    _emit_safely(WebhookEvent.STAGE_CHANGED, data)
    if to_stage == "deprecated":
        _emit_safely(WebhookEvent.DEPRECATED, data)


@receiver(alias_moved, dispatch_uid="custodia-webhooks-alias-moved")
def _on_alias_moved(sender, alias, to_version=None, from_version=None, move=None, actor=None,
                    reason: str = "", **kwargs) -> None:
    """Set, moved or removed (`to_version` null): one event, with the move log entry."""
    model = (to_version or from_version).model if (to_version or from_version) else None
    _emit_safely(WebhookEvent.ALIAS_MOVED, {
        "alias": {"name": alias.name, "model": alias.model_id,
                  "model_name": model.name if model is not None else None},
        "move": getattr(move, "pk", None),
        "from_version": (_version_data(from_version)["model_version"]
                         if from_version is not None else None),
        "to_version": (_version_data(to_version)["model_version"]
                       if to_version is not None else None),
        "actor": _actor_name(actor), "reason": reason})


# --------------------------------------------------------------------------------------
# Webhook configuration (admin and API)
# --------------------------------------------------------------------------------------
def webhook_create(*, actor, reason: str, data: dict[str, Any]) -> Webhook:
    """Add a webhook (a signing secret is generated unless one is given).

    Raises:
        ValidationError: unknown events, a short secret, a bad URL; nothing is written.
    """
    from core.services.records import record_create

    return record_create(model_class=Webhook, actor=actor, reason=reason, data=data,
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)


def webhook_update(*, webhook: Webhook, actor, reason: str, data: dict[str, Any]) -> Webhook:
    """Change a webhook; deliveries already queued keep the payload they were made with."""
    from core.services.records import record_update

    return record_update(instance=webhook, actor=actor, reason=reason, data=data)


def webhook_delete(*, webhook: Webhook, actor, reason: str) -> None:
    """Delete a webhook with its delivery log (its history row keeps the configuration)."""
    from core.services.records import record_delete

    record_delete(instance=webhook, actor=actor, reason=reason)


SCHEMA = "custodia.inventory/v1"
HIDDEN = "[hidden]"
LIST_SEPARATOR = "|"
_COMMON = ["name", "purpose", "description", "owner", "steward", "team", "domain", "tags",
           "compliance_tags", "confidential", "tracked_artefacts"]
SECTIONS: dict[str, tuple[type[models.Model], list[str]]] = {
    "models": (MLModel, [*_COMMON, "stage", "risk_tier", "purpose_category",
                         "development_cost", "origin", "supplier", "source_url", "licence",
                         "permitted_uses", "redistribution", "redistribution_terms",
                         "attribution", "training_date", "input_schema", "output_schema",
                         "evaluation_metrics", "training_environment",
                         "inference_requirements"]),
    "datasets": (Dataset, [*_COMMON, "sensitivity", "storage_mode", "residency_region",
                           "access_frequency", *Dataset.DATASHEET_FIELDS]),
    "features": (Feature, [*_COMMON, "data_type", "dataset", "transformation"]),
    "pipelines": (Pipeline, [*_COMMON, "repository_url", "orchestrator", "schedule"]),
    # Keyed by (model, version): numbers are Custodia's, so a new row must carry the next one.
    "model_versions": (ModelVersion, ["model", "version", "stage", "description",
                                      "artifact_uri", "artifact_sha256", "artifact_size",
                                      "training_date", "input_schema", "output_schema",
                                      "evaluation_metrics", "training_environment",
                                      "inference_requirements", "code_repository",
                                      "code_commit"]),
    # Keyed by the natural keys of the records they name (`integrations_links`).
    **{name: (model_class, section.columns) for name, (model_class, section) in {
        "branches": (ModelBranch, LINKED_SECTIONS["branches"]),
        "dataset_links": (ModelVersionDataset, LINKED_SECTIONS["dataset_links"]),
        "deployments": (Deployment, LINKED_SECTIONS["deployments"]),
    }.items()},
}


# Exported for information; set by Custodia (promotion, risk officers), ignored on import.
READ_ONLY = frozenset({"stage"})


_ORDER = {"model_versions": ("model__name", "version")}
Actor = AbstractBaseUser | None


# --------------------------------------------------------------------------------------
# Values: stored ↔ exchanged
# --------------------------------------------------------------------------------------
def _to_json(model_field: models.Field, value: Any) -> Any:
    """A stored value as the schema writes it."""
    if model_field.many_to_many:
        return sorted(item.name for item in value.all()) if value is not None else []
    if model_field.is_relation:
        if value is None:
            return None
        if isinstance(value, Team):
            return value.slug
        if isinstance(value, Dataset | MLModel):
            return value.name
        return value.get_username()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no", ""}:
        return False
    raise ValueError("true or false")


def _from_json(model_field: models.Field, value: Any) -> Any:
    """An exchanged value (typed JSON, or CSV text) as the services take it.

    Raises:
        ValueError: with the words a row error shows.
    """
    csv_text = isinstance(value, str)
    if model_field.many_to_many:
        if csv_text:
            return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("a list of names")
        return value
    if model_field.is_relation:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("a name")
        target = model_field.related_model
        if target is Team:
            found = Team.objects.filter(slug=value).first()
        elif target in (Dataset, MLModel):
            found = target.objects.filter(name__iexact=value).first()
        else:
            found = get_user_model().objects.filter(username=value, is_active=True).first()
        if found is None:
            raise ValueError(f"no {target._meta.verbose_name} “{value}”")
        return found
    if isinstance(model_field, models.BooleanField):
        if isinstance(value, bool):
            return value
        if csv_text:
            return _bool(value)
        raise ValueError("true or false")
    if isinstance(model_field, models.JSONField):
        if csv_text:
            if not value.strip():
                return model_field.get_default()
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"JSON text ({error.msg})") from error
        return value
    if isinstance(model_field, models.IntegerField):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValueError("a whole number")
        try:
            number = int(value) if isinstance(value, int) or csv_text else None
        except ValueError:
            number = None
        if number is None or number < 0:
            raise ValueError("a whole number")
        return number
    if isinstance(model_field, models.DecimalField):
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as error:
            raise ValueError("a number") from error
    if isinstance(model_field, models.DateField):
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError as error:
            raise ValueError("a date as YYYY-MM-DD") from error
    if value is None:
        return "" if not model_field.null else None
    if not isinstance(value, str):
        raise ValueError("text")
    return value


# --------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------
def _export_row(obj: models.Model, columns: list[str], user) -> dict[str, Any]:
    hidden = obj.hidden_fields_for(user) if hasattr(obj, "hidden_fields_for") else frozenset()
    row = {}
    for name in columns:
        if name in hidden:
            continue
        model_field = obj._meta.get_field(name)
        value = getattr(obj, name)
        row[name] = _to_json(model_field, value)
    return row


def _visible(model_class: type[models.Model], user):
    queryset = model_class.objects.restrict(user, "view").for_list()
    if model_class is Feature:
        queryset = queryset.select_related("dataset")
    section = next(name for name, (cls, _) in SECTIONS.items() if cls is model_class)
    return queryset.order_by(*_ORDER.get(section, ("name",)))


def inventory_export(*, user, sections: list[str] | None = None) -> dict[str, Any]:
    """The inventory `user` may see, as a `custodia.inventory/v1` document.

    Raises:
        ValidationError: an unknown section name.
    """
    wanted = _sections(sections)
    document: dict[str, Any] = {"schema": SCHEMA, "exported_at": timezone.now().isoformat()}
    for section in wanted:
        document[section] = _section_rows(section, user)
    return document


def _section_rows(section: str, user) -> list[dict[str, Any]]:
    if section in LINKED_SECTIONS:
        return LINKED_SECTIONS[section].export(user)
    model_class, columns = SECTIONS[section]
    return [_export_row(obj, columns, user) for obj in _visible(model_class, user)]


def _csv_cell(value: Any, *, names: bool) -> str:
    """CSV text of an exchanged value; `names`: a many-to-many list, `|`-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if names:
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def inventory_export_csv(*, user, section: str) -> str:
    """One section as CSV text (header row = the section's columns)."""
    section = _sections([section])[0]
    model_class, columns = SECTIONS[section]
    lists = set() if section in LINKED_SECTIONS else {
        name for name in columns if model_class._meta.get_field(name).many_to_many}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in _section_rows(section, user):
        writer.writerow([_csv_cell(row[name], names=name in lists) if name in row else HIDDEN
                         for name in columns])
    return out.getvalue()


def _sections(sections: list[str] | None) -> list[str]:
    if not sections:
        return list(SECTIONS)
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ValidationError({"section": [
            f"Unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}."]})
    return list(sections)


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did (or, when refused or a dry run, would have done)."""

    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "dry_run": self.dry_run, "written": self.written,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": self.errors}


class _Rollback(Exception):
    pass


def parse_csv(text: str) -> list[dict[str, str]]:
    """Rows of a CSV export (header row first); raises ValidationError if it is not one."""
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = list(reader)
    except csv.Error as error:
        raise ValidationError({"file": [f"Not a CSV file: {error}"]}) from error
    if not reader.fieldnames:
        raise ValidationError({"file": ["The CSV file is empty; the first row names the columns."]})
    return rows


def _row_errors(error: ValidationError | ConflictError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("row" if k == "__all__" else k): [str(m) for m in v]
                for k, v in error.message_dict.items()}
    return {"row": [str(m) for m in error.messages]}


def _import_row(*, section: str, number: int, row: Any, actor: Actor, reason: str,
                report: ImportReport) -> None:
    from inventory.services import catalogue

    model_class, columns = SECTIONS[section]
    where = {"section": section, "row": number}
    if not isinstance(row, dict):
        report.errors.append({**where, "errors": {"row": ["An object of column → value."]}})
        return
    if section in LINKED_SECTIONS:
        _import_linked_row(section=section, where=where, row=row, actor=actor, reason=reason,
                           report=report)
        return
    if model_class is ModelVersion:
        _import_version_row(where=where, row=row, actor=actor, reason=reason, report=report)
        return
    name = str(row.get("name") or "").strip()
    where["name"] = name
    incoming, errors = _parse_row(model_class, columns, row, section)
    if not name:
        errors["name"] = ["Every row needs a name."]
    if errors:
        report.errors.append({**where, "errors": errors})
        return
    existing = model_class.objects.filter(name__iexact=name).first()
    try:
        with transaction.atomic():
            if existing is None:
                if actor is not None and not user_can(actor, "add", model=model_class):
                    raise ValidationError(f"You may not register {model_class._meta.verbose_name_plural}.")
                asset = catalogue.asset_create(model_class=model_class, actor=actor,
                                               reason=reason, data=incoming)
                report.created.append({**where, "id": asset.pk})
                return
            stored = _export_row(existing, columns, actor)
            changed = {k: v for k, v in incoming.items()
                       if _to_json_loose(model_class._meta.get_field(k), v) != stored.get(k)}
            if not changed:
                report.unchanged += 1
                return
            if actor is not None and not user_can(actor, "change", existing):
                raise ValidationError(f"You may not change “{existing}”.")
            catalogue.asset_update(asset=existing, actor=actor, reason=reason, data=changed)
            report.updated.append({**where, "id": existing.pk, "fields": sorted(changed)})
    except (ValidationError, ConflictError) as error:  # ConflictError: a legal hold
        report.errors.append({**where, "errors": _row_errors(error)})


def _parse_row(model_class, columns: list[str], row: dict, section: str,
               ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Incoming values as the services take them, and each column's error."""
    errors: dict[str, list[str]] = {k: [f"Unknown column; the {section} columns are: "
                                        f"{', '.join(columns)}."]
                                    for k in sorted(set(row) - set(columns))}
    incoming: dict[str, Any] = {}
    for column in columns:
        if column in READ_ONLY or column not in row or row[column] == HIDDEN:
            continue
        try:
            incoming[column] = _from_json(model_class._meta.get_field(column), row[column])
        except ValueError as error:
            errors[column] = [f"Expected {error}."]
    return incoming, errors


def _import_version_row(*, where: dict, row: dict, actor: Actor, reason: str,
                        report: ImportReport) -> None:
    """A model version: updated while not frozen, registered when it is the next number."""
    from inventory.services import versions

    _, columns = SECTIONS["model_versions"]
    incoming, errors = _parse_row(ModelVersion, columns, row, "model_versions")
    model, number = incoming.pop("model", None), incoming.pop("version", None)
    where["name"] = f"{row.get('model', '')} v{row.get('version', '')}"
    if model is None and "model" not in errors:
        errors["model"] = ["Every version row names its model."]
    if number is None and "version" not in errors:
        errors["version"] = ["Every version row has its number."]
    if errors:
        report.errors.append({**where, "errors": errors})
        return
    existing = ModelVersion.objects.filter(model=model, version=number).first()
    try:
        with transaction.atomic():
            if existing is None:
                expected = (model.versions.order_by("-version").values_list(
                    "version", flat=True).first() or 0) + 1
                if number != expected:
                    raise ValidationError({"version": [
                        f"Custodia numbers versions: the next version of “{model}” is "
                        f"{expected}."]})
                if actor is not None and not (user_can(actor, "add", model=ModelVersion)
                                              and user_can(actor, "change", model)):
                    raise ValidationError(f"You may not register versions of “{model}”.")
                version = versions.model_version_register(model=model, actor=actor,
                                                           reason=reason, data=incoming)
                report.created.append({**where, "id": version.pk})
                return
            stored = _export_row(existing, columns, actor)
            changed = {k: v for k, v in incoming.items()
                       if _to_json_loose(ModelVersion._meta.get_field(k), v) != stored.get(k)}
            if not changed:
                report.unchanged += 1
                return
            if existing.stage in FROZEN_STAGES:
                raise ValidationError(f"{existing} reached production and is frozen: "
                                      f"{', '.join(sorted(changed))} cannot change.")
            if actor is not None and not user_can(actor, "change", existing):
                raise ValidationError(f"You may not change “{existing}”.")
            versions.model_version_update(version=existing, actor=actor, reason=reason,
                                           data=changed)
            report.updated.append({**where, "id": existing.pk, "fields": sorted(changed)})
    except (ValidationError, ConflictError) as error:  # ConflictError: a legal hold
        report.errors.append({**where, "errors": _row_errors(error)})


def _import_linked_row(*, section: str, where: dict, row: dict, actor: Actor, reason: str,
                       report: ImportReport) -> None:
    """A row of `branches`, `dataset_links` or `deployments` (`integrations_links`)."""
    spec = LINKED_SECTIONS[section]
    where["name"] = spec.name_of(row)
    unknown = sorted(set(row) - set(spec.columns))
    if unknown:
        report.errors.append({**where, "errors": {k: [
            f"Unknown column; the {section} columns are: {', '.join(spec.columns)}."]
            for k in unknown}})
        return
    incoming = {k: v for k, v in row.items() if k not in spec.read_only and v != HIDDEN}
    try:
        with transaction.atomic():
            outcome, record, fields = spec.import_row(row=incoming, actor=actor, reason=reason)
    except ValidationError as error:
        report.errors.append({**where, "errors": _row_errors(error)})
        return
    if outcome == "created":
        report.created.append({**where, "id": record.pk})
    elif outcome == "updated":
        report.updated.append({**where, "id": record.pk, "fields": fields})
    else:
        report.unchanged += 1


def _to_json_loose(model_field: models.Field, value: Any) -> Any:
    """An incoming (parsed) value in export form, to compare with the stored row."""
    if model_field.many_to_many:
        return sorted(str(v).strip().lower() if model_field.name == "tags" else str(v)
                      for v in value or ())
    if model_field.is_relation:
        return _to_json(model_field, value) if value is not None else None
    return _to_json(model_field, value)


def inventory_import(*, document: dict[str, Any], actor: Actor, reason: str,
                     dry_run: bool = False) -> ImportReport:
    """Import a `custodia.inventory/v1` document: all rows or none.

    Args:
        document: `{"schema": ..., "models": [...], ...}`; a CSV import passes
            `{section: parse_csv(text)}`.
        actor: the importing user (permissions apply per row); None for system work.
        reason: kept on every history row written.
        dry_run: check every row and report, then roll back.
    Returns:
        The report; `errors` lists each refused row (section, row number from 1, name,
        field errors) and then nothing was written.
    Raises:
        ValidationError: the document itself is malformed (wrong schema, unknown section).
    """
    if not isinstance(document, dict):
        raise ValidationError({"document": ["A JSON object with the schema's sections."]})
    schema = document.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValidationError({"schema": [f"Expected “{SCHEMA}”, got “{schema}”."]})
    sections = [k for k in document if k not in {"schema", "exported_at"}]
    _sections(sections or ["models"])
    for section in sections:
        if not isinstance(document[section], list):
            raise ValidationError({section: ["A list of rows."]})
    report = ImportReport(dry_run=dry_run)
    # Datasets first: features name their dataset.
    ordered = [s for s in SECTIONS if s in sections]
    try:
        with transaction.atomic():
            for section in ordered:
                for number, row in enumerate(document[section], start=1):
                    _import_row(section=section, number=number, row=row, actor=actor,
                                reason=reason, report=report)
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
