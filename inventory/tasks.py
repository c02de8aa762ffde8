"""Background jobs of the inventory: deprecation and archival triggers, the retention purge,
webhook deliveries. Thin wrappers: ids in, one service call, a summary out."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job


@custodia_job("inventory.deprecation_triggers")
def deprecation_triggers(job: JobContext, *, dry_run: bool = False, today: str = "") -> dict:
    """Notify owners of coming deprecations/archivals and make those that are due."""
    from datetime import date

    from inventory.services.deprecation import deprecation_run

    return deprecation_run(dry_run=dry_run, today=date.fromisoformat(today) if today else None,
                           job_run=job.run)


@custodia_job("inventory.deprecation_notify")
def deprecation_notify(job: JobContext, *, notice_id: int) -> dict:
    """E-mail one deprecation notice to the version's owner and steward."""
    from inventory.services.deprecation import deprecation_notice_send

    return {"notice": notice_id, "sent": deprecation_notice_send(notice_id=notice_id)}


@custodia_job("inventory.retention_purge")
def retention_purge(job: JobContext, *, dry_run: bool = False) -> dict:
    """Delete held artifacts past retention and not under a legal hold; report each."""
    from inventory.services.retention import retention_purge as purge

    return purge(dry_run=dry_run, job_run=job.run, progress=job.progress)


@custodia_job("inventory.webhook_deliver")
def webhook_deliver(job: JobContext, *, delivery_id: int) -> dict:
    """One signed HTTP attempt of a webhook delivery (retries are scheduled, not looped)."""
    from inventory.services.integrations import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return {"delivery": delivery_id, "skipped": "already finished"}
    return {"delivery": delivery_id, "status": delivery.status, "attempts": delivery.attempts,
            "response_status": delivery.last_response_status}


@custodia_job("inventory.webhook_retry_due")
def webhook_retry_due(job: JobContext) -> dict:
    """Queue the webhook retries whose back-off has elapsed."""
    from inventory.services.integrations import webhook_deliveries_due

    return {"queued": webhook_deliveries_due()}


@custodia_job("inventory.held_copy_in")
def held_copy_in(job: JobContext, *, kind: str, pk: int, source: str, reason: str,
                 sha256: str = "") -> dict:
    """Copy a `file://` source from an allowed folder into held storage, hashing it."""
    from inventory.services.held import held_copy_in as copy_in

    return copy_in(kind=kind, pk=pk, source=source, reason=reason, sha256=sha256,
                   actor=job.run.user, progress=job.progress)
