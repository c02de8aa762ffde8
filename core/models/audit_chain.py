"""The tamper-evident audit log: one append-only, hash-chained sequence of every history row
of every governed record and every access event, with signed checkpoints and the outcome of
each verification.

Each entry holds the SHA-256 of its own content and the hash of the entry before it, so
changing, removing, reordering or inserting a row in the database breaks the chain at that
entry. A checkpoint signs (HMAC) the head of the chain at a moment, so cutting entries off
the end is detected too. See `core.services.audit_chain`.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.choices import AuditAction, AuditEventKind

__all__ = ["AuditChainHead", "AuditCheckpoint", "AuditEvent", "AuditVerification"]

GENESIS_HASH = "0" * 64


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are written once by the chain service and never changed or removed by the
    application (a bulk update or delete would break the chain without a trace of who)."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_list(self) -> AuditEventQuerySet:
        return self.select_related("content_type", "user")


class AuditEvent(models.Model):
    """One entry of the audit log: a change to a governed record (from its history) or an
    access event, in the order they were committed, chained by SHA-256."""

    seq = models.BigIntegerField(primary_key=True, verbose_name="entry",
                                 help_text="Position in the chain, from 1, without gaps.")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=AuditEventKind.choices)
    action = models.CharField(max_length=10, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="record type")
    object_id = models.CharField(max_length=64, blank=True, verbose_name="record id")
    object_repr = models.CharField(max_length=300, blank=True, verbose_name="record")
    actor = models.CharField(max_length=200, db_index=True,
                             help_text="Who acted, as text, so it survives user deletion.")
    # No database constraint and no cascade: deleting a user must not touch the log.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=120, blank=True,
                              help_text="The row this entry copies, e.g. inventory.historicalmlmodel:42.")
    data = models.TextField(blank=True, help_text="The record's fields (changes) or the access "
                                                  "details, as canonical JSON.")
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "audit event"
        indexes = [
            models.Index(fields=["content_type", "object_id", "seq"], name="auditevent_record"),
            models.Index(fields=["user", "seq"], name="auditevent_user"),
            models.Index(fields=["kind", "seq"], name="auditevent_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.get_action_display().lower()} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    @property
    def values(self) -> dict:
        """The stored fields (changes) or access details as a dictionary."""
        return json.loads(self.data) if self.data else {}

    @property
    def record_label(self) -> str:
        if self.content_type_id is None:
            return self.object_repr
        return f"{self.content_type.name}: {self.object_repr or self.object_id}"


class AuditChainHead(models.Model):
    """The last entry of the chain (one row). Appending updates it in the same statement
    that inserts the entry, so its row lock orders concurrent writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"Audit chain head at #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement that the chain had `seq` entries ending in `entry_hash` at
    `created_at`. The signature (HMAC-SHA256 with CUSTODIA_AUDIT_CHECKPOINT_KEY) cannot be
    forged from the database alone, so a chain cut short of it is detected."""

    seq = models.BigIntegerField(db_index=True)
    entry_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq", "-id"]

    def __str__(self) -> str:
        return f"Checkpoint at entry #{self.seq}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit checkpoints are append-only.")


class AuditVerification(models.Model):
    """The outcome of one verification of the whole chain (command or scheduled job)."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField()
    intact = models.BooleanField()
    entries_checked = models.BigIntegerField(default=0)
    last_seq = models.BigIntegerField(default=0)
    checkpoint_seq = models.BigIntegerField(null=True, blank=True,
                                            help_text="The newest checkpoint checked.")
    broken_seq = models.BigIntegerField(null=True, blank=True,
                                        help_text="The first entry found broken.")
    problem = models.TextField(blank=True)
    actor = models.CharField(max_length=200)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        state = "intact" if self.intact else f"broken at #{self.broken_seq}"
        return f"Audit chain {state} ({self.started_at:%Y-%m-%d %H:%M})"
