"""The governed base every audited record inherits: history, restricted queries, guarded bulk writes."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, router, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import audit_context, describe_actor
from core.permissions import object_permissions_forget, restrict_queryset

__all__ = [
    "AuditedWriteRequired",
    "GovernedHistoricalRecords",
    "GovernedModel",
    "GovernedQuerySet",
    "HistoryActorMixin",
    "bulk_create_audited",
    "update_audited",
]


class AuditedWriteRequired(RuntimeError):
    """Raised when code tries a bulk write that would leave no history behind."""


_audited_write: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "custodia_audited_write", default=False
)


@contextmanager
def _allow_bulk_writes() -> Iterator[None]:
    token = _audited_write.set(True)
    try:
        yield
    finally:
        _audited_write.reset(token)


class HistoryActorMixin(models.Model):
    """Adds a text actor to every history row, so it survives deletion of the user."""

    history_actor = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        abstract = True


class GovernedQuerySet(models.QuerySet):
    """Queryset of governed records: permission-restricted reads, no unaudited bulk writes."""

    def restrict(self, user, action: str = "view") -> GovernedQuerySet:
        """Rows `user` may perform `action` on (view, add, change, delete, or a custom codename)."""
        return restrict_queryset(self, user, action)

    def for_list(self) -> GovernedQuerySet:
        """The read shape of list pages and list endpoints; models override to add joins."""
        return self

    def for_detail(self) -> GovernedQuerySet:
        return self.for_list()

    def _refuse_unaudited(self, operation: str) -> None:
        if not _audited_write.get():
            raise AuditedWriteRequired(
                f"{self.model.__name__}.objects.{operation}() writes no history; "
                "use core.models.governed.update_audited / bulk_create_audited or a service."
            )

    def update(self, **kwargs: Any) -> int:
        self._refuse_unaudited("update")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        self._refuse_unaudited("bulk_update")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        self._refuse_unaudited("bulk_create")
        return super().bulk_create(objs, *args, **kwargs)


class GovernedHistoricalRecords(HistoricalRecords):
    """simple-history's records, leaving out the fields a model lists in
    `history_excluded_fields` (secrets: a history row is readable by more people, for
    longer, than the record itself)."""

    def fields_included(self, model) -> list:
        skipped = set(getattr(model, "history_excluded_fields", ()))
        return [field for field in super().fields_included(model) if field.name not in skipped]

    def create_history_model(self, model, inherited):
        history_model = super().create_history_model(model, inherited)
        history_model._history_excluded_fields = [
            *self.excluded_fields, *getattr(model, "history_excluded_fields", ())]
        return history_model


class GovernedModel(models.Model):
    """Abstract base of every governed record: timestamps and a full change history."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GovernedHistoricalRecords(inherit=True, bases=[HistoryActorMixin])
    # Field names kept out of the history (see `GovernedHistoricalRecords`).
    history_excluded_fields: tuple[str, ...] = ()
    objects = GovernedQuerySet.as_manager()

    class Meta:
        abstract = True

    # The row, its history row and the audit log's entry for it commit together or not at
    # all, whichever path saves (services, admin, shell).
    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)),
                                savepoint=False):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self)),
                                savepoint=False):
            return super().delete(*args, **kwargs)


@receiver(post_delete, dispatch_uid="custodia-forget-object-permissions")
def _forget_object_permissions(sender, instance, **kwargs) -> None:
    if isinstance(instance, GovernedModel):
        object_permissions_forget(instance)


def update_audited(
    queryset: GovernedQuerySet, *, actor=None, reason: str, **changes: Any
) -> int:
    """Set `changes` on every row of `queryset`, writing one history row per object."""
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        objs = list(queryset.select_for_update())
        for obj in objs:
            for field, value in changes.items():
                setattr(obj, field, value)
        with _allow_bulk_writes():
            bulk_update_with_history(
                objs, queryset.model, list(changes), default_user=actor,
                default_change_reason=reason,
            )
        _stamp_bulk_history(queryset.model, objs)
    return len(objs)


def bulk_create_audited(
    model: type[GovernedModel], objs: Iterable[GovernedModel], *, actor=None, reason: str
) -> list[GovernedModel]:
    """Create many rows at once, each with its "created" history row."""
    with transaction.atomic(), audit_context(user=actor, reason=reason), _allow_bulk_writes():
        created = bulk_create_with_history(
            list(objs), model, default_user=actor, default_change_reason=reason
        )
        _stamp_bulk_history(model, created)
    return created


def _stamp_bulk_history(model: type[GovernedModel], objs: list[GovernedModel]) -> None:
    """simple-history's bulk helpers bypass the pre-save signal: set the text actor and
    append the rows to the audit log here."""
    if not objs:
        return
    from core.services.audit_chain import audit_append_history_rows

    history_model = model.history.model
    written = list(history_model.objects.filter(id__in=[o.pk for o in objs], history_actor="")
                   .values_list("pk", flat=True))
    history_model.objects.filter(pk__in=written).update(history_actor=describe_actor())
    # The bulk helpers send no per-row signal: chain the new history rows here, in order.
    audit_append_history_rows(history_model, written)
