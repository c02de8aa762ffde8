"""Background work: the outbox that hands tasks to the broker after commit, and job runs.

Side effects never block a write. `task_enqueue` stores an `OutboxMessage` in the caller's
transaction; after commit it is handed to the broker at once if the broker answers quickly,
otherwise it waits for the next sweep (`outbox_sweep`, run by beat and at worker start).
Once its task completes, the message is marked done, so a message handed over twice still
runs its work once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import describe_actor
from core.choices import OutboxStatus
from core.models import OutboxMessage, WorkerHeartbeat

__all__ = [
    "outbox_message_claim",
    "outbox_message_finish",
    "outbox_sweep",
    "task_enqueue",
    "worker_heartbeat_forget",
    "worker_heartbeat_record",
    "workers_status",
]

logger = logging.getLogger(__name__)

# Keep a request fast when the broker is unreachable: one connection attempt (bounded by the
# transport's socket_connect_timeout), no retries; the sweep tries again later.
_PUBLISH_OPTIONS = {"retry": False}


def task_enqueue(task_name: str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue `task_name(*args, **kwargs)` to run after the current transaction commits.

    Returns:
        The outbox message (its id is passed to the task as `outbox_id`).
    """
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs, actor=describe_actor()
    )
    transaction.on_commit(lambda: _publish(message.pk))
    return message


def _publishable() -> Q:
    """Pending messages, and sent ones no worker has started long after the hand-over.

    The broker can lose what it was given (a Redis restart without persistence): such a
    message would stay `sent` forever. Handing it over again is safe, because the task
    claims its message and a second delivery of completed work is skipped.
    """
    presumed_lost = timezone.now() - timezone.timedelta(
        seconds=settings.CUSTODIA_OUTBOX_RESEND_SECONDS)
    return Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENT, sent_at__lt=presumed_lost)


def _publish(message_id: int) -> bool | None:
    """Hand one message to the broker; leave it as it was if the broker is down.

    Returns:
        True when handed over; False when another process holds or already sent it;
        None when the broker is unreachable (recorded on the message).
    """
    from config.celery import app

    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(_publishable(), pk=message_id).first())
        if message is None:
            return False
        message.attempts += 1
        try:
            with app.producer_or_acquire() as producer:
                # `retry=False` alone still lets kombu retry the connection for seconds
                # (its default channel reconnects with back-off): connect once, here.
                producer.connection.ensure_connection(max_retries=0)
                app.send_task(
                    message.task_name, args=message.args,
                    kwargs={**message.kwargs, "outbox_id": message.pk},
                    producer=producer, **_PUBLISH_OPTIONS,
                )
        except Exception as error:  # broker unreachable: the sweep will try again
            logger.warning("Outbox message %s kept for later: %s", message.pk, error)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.save(update_fields=["attempts", "last_error"])
            return None
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_sweep(*, limit: int = 500) -> int:
    """Hand every pending (or presumed lost) message to the broker, oldest first.

    Returns:
        How many messages the broker accepted.
    """
    pending = list(OutboxMessage.objects.filter(_publishable())
                   .order_by("id").values_list("pk", flat=True)[:limit])
    sent = 0
    for message_id in pending:
        outcome = _publish(message_id)
        if outcome is None:
            break  # broker down: stop, the next sweep retries in order
        sent += outcome
    return sent


def outbox_message_claim(message_id: int | None) -> bool:
    """Claim a message's work for this run; False if another run completed or holds it.

    A claim older than the task time limit is taken over: its worker died (acks_late
    redelivers the task), and the work must still happen once.
    """
    if message_id is None:
        return True
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENT]) | Q(
        status=OutboxStatus.RUNNING, claimed_at__lt=stale)
    return bool(OutboxMessage.objects.filter(claimable, pk=message_id).update(
        status=OutboxStatus.RUNNING, claimed_at=now))


def outbox_message_finish(message_id: int | None, *, succeeded: bool, error: str = "") -> None:
    """Record the outcome of a claimed message's work."""
    if message_id is None:
        return
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxStatus.DONE if succeeded else OutboxStatus.FAILED,
        completed_at=timezone.now(), last_error=error[:2000])


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Note that the worker `hostname` is alive now (read by /healthz)."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"last_seen": timezone.now()})
    return heartbeat


def worker_heartbeat_forget(*, hostname: str) -> None:
    """The worker `hostname` stopped on purpose: /healthz no longer expects it."""
    WorkerHeartbeat.objects.filter(hostname=hostname).delete()


def workers_status() -> dict[str, Any]:
    """Each expected worker and whether it is alive, for /healthz.

    Expected are the workers named in CUSTODIA_EXPECTED_WORKERS, or, when that is empty,
    every worker that sent a heartbeat in the last CUSTODIA_WORKER_FORGET_SECONDS and did
    not stop on purpose. A worker is alive when its last heartbeat is younger than
    CUSTODIA_WORKER_HEARTBEAT_MAX_AGE.
    """
    now = timezone.now()
    alive_after = now - timedelta(seconds=settings.CUSTODIA_WORKER_HEARTBEAT_MAX_AGE)
    named = list(settings.CUSTODIA_EXPECTED_WORKERS)
    rows = WorkerHeartbeat.objects.filter(hostname__in=named) if named else \
        WorkerHeartbeat.objects.filter(
            last_seen__gte=now - timedelta(seconds=settings.CUSTODIA_WORKER_FORGET_SECONDS))
    last_seen = {row.hostname: row.last_seen for row in rows}
    expected = named or sorted(last_seen)
    alive = [name for name in expected if last_seen.get(name) and last_seen[name] >= alive_after]
    missing = [name for name in expected if name not in alive]
    status: dict[str, Any] = {"ok": bool(alive) and not missing, "alive": alive, "missing": missing,
                              "last_seen": {name: seen.isoformat() for name, seen in last_seen.items()}}
    if not expected:
        status["error"] = "no worker has sent a heartbeat"
    elif missing:
        status["error"] = (f"no heartbeat in the last {settings.CUSTODIA_WORKER_HEARTBEAT_MAX_AGE} s "
                           f"from: {', '.join(missing)}")
    return status
