"""Beat schedules declared in code; `manage.py sync_schedules` writes them to the database,
where they stay editable in the admin (Periodic tasks)."""

from datetime import timedelta

from django.conf import settings

# name: (task, every, kwargs). Other apps add theirs to this mapping in their ready().
SCHEDULES: dict[str, tuple[str, timedelta, dict]] = {
    "Worker heartbeat": ("inventory.health", timedelta(seconds=60), {}),
    "Outbox sweep": (
        "inventory.outbox_sweep", timedelta(seconds=settings.CUSTODIA_OUTBOX_SWEEP_SECONDS), {}
    ),
    "Prune routine job runs": ("inventory.prune_job_runs", timedelta(hours=6), {}),
    # Issue 4: lifecycle triggers daily, the purge daily, webhook retries every 30 s.
    "Deprecation and archival triggers": ("inventory.deprecation_triggers", timedelta(days=1), {}),
    "Retention purge": ("inventory.retention_purge", timedelta(days=1), {}),
    "Webhook retries": ("inventory.webhook_retry_due", timedelta(seconds=30), {}),
    "Forget old idempotency keys": ("inventory.idempotency_prune", timedelta(days=1), {}),
}
