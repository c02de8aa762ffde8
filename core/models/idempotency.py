"""Idempotency keys: the first response to a call made with an `Idempotency-Key`, kept so
that a retry gets the same answer instead of a duplicate. Written in the same transaction
as the work, so a failed call leaves no record."""

from django.conf import settings
from django.db import models

__all__ = ["IdempotencyRecord"]


class IdempotencyRecord(models.Model):
    """The stored outcome of one (user, operation, key): replayed on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    scope = models.CharField(max_length=100, help_text="The operation, e.g. cicd.register.")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical request.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "inventory_idempotencyrecord"  # the table predates the core app
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"],
                                    name="idempotencyrecord_unique_key",
                                    violation_error_message="This idempotency key was used."),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.response_status}"
