"""Access events: every view of a sensitive record, download, export and search."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction

from core.choices import AccessAction

__all__ = ["AccessEvent"]


class AccessEventQuerySet(models.QuerySet):
    """Append-only: rows are written once and never changed or removed by the application."""

    def update(self, **kwargs):
        raise PermissionError("Access events are append-only.")

    def delete(self):
        raise PermissionError("Access events are append-only.")


class AccessEvent(models.Model):
    """One read of a governed record: who, what, which action, when, from where."""

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="access_events",
    )
    actor = models.CharField(max_length=200, db_index=True,
                             help_text="Who acted, kept as text so it survives user deletion.")
    action = models.CharField(max_length=20, choices=AccessAction.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    query = models.CharField(max_length=1000, blank=True, help_text="Search terms or filters used.")
    result_count = models.PositiveIntegerField(null=True, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        db_table = "inventory_accessevent"  # the table predates the core app
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-occurred_at"]),
            models.Index(fields=["user", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        target = self.object_repr or self.path
        return f"{self.actor} {self.get_action_display().lower()} {target}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Access events are append-only.")
        # The event and its audit-log entry commit together.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)),
                                savepoint=False):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access events are append-only.")
