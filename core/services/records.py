"""Create, change and delete governed records: the generic write path.

Records with no rules across rows beyond their model's `clean()` and constraints (retention
policies, legal holds, deprecation rules, webhooks...) are written through these functions,
and the base viewset and base admin call them by default, so each write validates the whole
row once, runs in a transaction and leaves a history row with the actor and the reason.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError

from core.audit import audit_context
from core.exceptions import conflict_from_protected

__all__ = ["record_apply", "record_create", "record_delete", "record_save", "record_update"]

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


def record_save(instance: M, *, actor: Actor, reason: str) -> M:
    """Validate the whole row (`full_clean`) and save it, with its history row.

    Raises:
        ValidationError: field by field; nothing is written.
    """
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
    return record_save(instance, actor=actor, reason=reason)


def record_update(*, instance: M, actor: Actor, reason: str, data: dict[str, Any]) -> M:
    """Change fields of `instance` (re-read under lock, so concurrent edits serialise).

    Raises:
        ValidationError: field by field; nothing is written.
    """
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        record_apply(locked, data)
        return record_save(locked, actor=actor, reason=reason)


def record_delete(*, instance: Model, actor: Actor, reason: str) -> None:
    """Delete `instance`; its history keeps every field, the actor and the reason.

    Raises:
        ConflictError: other records still refer to it (they are named); nothing is deleted.
    """
    try:
        with transaction.atomic(), audit_context(user=actor, reason=reason):
            instance._change_reason = reason
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise conflict_from_protected(error, obj=instance) from error
