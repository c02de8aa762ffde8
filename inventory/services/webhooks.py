"""Outgoing webhooks: registry events to HTTP receivers, signed, delivered by Celery.

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
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from inventory.models import (
    DeliveryStatus,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
)
from inventory.signals import alias_moved, model_version_registered, model_version_stage_changed

__all__ = [
    "SIGNATURE_HEADER",
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
