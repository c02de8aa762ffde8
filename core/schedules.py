"""Beat schedules declared in code; `manage.py sync_schedules` writes them to the database,
where they stay editable in the admin (Periodic tasks)."""

from datetime import timedelta

from django.conf import settings

# name: (task, every, kwargs). Apps add theirs to this mapping in their ready().
SCHEDULES: dict[str, tuple[str, timedelta, dict]] = {
    "Worker heartbeat": ("core.health", timedelta(seconds=60), {}),
    "Outbox sweep": (
        "core.outbox_sweep", timedelta(seconds=settings.CUSTODIA_OUTBOX_SWEEP_SECONDS), {}
    ),
    "Prune routine job runs": ("core.prune_job_runs", timedelta(hours=6), {}),
    "Forget old idempotency keys": ("core.idempotency_prune", timedelta(days=1), {}),
    "Sign an audit chain checkpoint": (
        "core.audit_checkpoint", timedelta(minutes=settings.CUSTODIA_AUDIT_CHECKPOINT_MINUTES), {}
    ),
    "Verify the audit chain": (
        "core.audit_chain_verify", timedelta(minutes=settings.CUSTODIA_AUDIT_VERIFY_MINUTES), {}
    ),
}
