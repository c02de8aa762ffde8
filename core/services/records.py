"""Create, change and delete simple governed configuration records (issue 4).

Retention policies, legal holds, deprecation rules and schedules, and webhooks have no
rules across rows beyond their model's `clean()` and constraints; these three functions
are the one write path their services build on, so each write validates the whole row,
runs in a transaction and leaves a history row with the actor and the reason.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Model

from core.audit import audit_context

__all__ = ["record_apply", "record_create", "record_delete", "record_update"]

Actor = AbstractBaseUser | None
M = TypeVar("M", bound=Model)


def record_apply(instance: Model, data: dict[str, Any]) -> None:
    """Set field values; related objects may be given as instances or primary keys."""
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.is_relation and value is not None and not isinstance(value, Model):
            setattr(instance, field.attname, value)
        else:
            setattr(instance, name, value)


def _save(instance: M, *, actor: Actor, reason: str) -> M:
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance.full_clean()
        instance._change_reason = reason
        instance.save()
    return instance


def record_create(*, model_class: type[M], actor: Actor, reason: str, data: dict[str, Any],
                  **managed: Any) -> M:
    """Create a row of `model_class` from `data` plus service-set `managed` values.

    Raises:
        ValidationError: field by field; nothing is written.
    """
    instance = model_class(**managed)
    record_apply(instance, data)
    return _save(instance, actor=actor, reason=reason)


def record_update(*, instance: M, actor: Actor, reason: str, data: dict[str, Any]) -> M:
    """Change fields of `instance` (re-read under lock, so concurrent edits serialise).

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        record_apply(locked, data)
        return _save(locked, actor=actor, reason=reason)


def record_delete(*, instance: Model, actor: Actor, reason: str) -> None:
    """Delete `instance`; its history keeps every field, the actor and the reason."""
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        instance._change_reason = reason
        instance.delete()
