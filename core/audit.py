"""Audit context: who is acting and why, for every history row and access event.

A request sets the actor through simple-history's middleware; Celery tasks and management
commands set theirs with `audit_context(...)` (e.g. `job:rehash:42`), so no history row is
ever written without an actor. The actor is also stored as text, so it survives the
deletion of the user account.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

__all__ = ["AuditContext", "audit_context", "current_audit_context", "describe_actor"]


@dataclass(frozen=True)
class AuditContext:
    """The actor (a user and/or a label such as `job:<name>:<run id>`) and the reason."""

    user: AbstractBaseUser | None = None
    label: str = ""
    reason: str = ""


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "custodia_audit_context", default=None
)


@contextmanager
def audit_context(
    *, user: AbstractBaseUser | None = None, label: str = "", reason: str = ""
) -> Iterator[AuditContext]:
    """Attribute every history row written inside the block to `user`/`label` with `reason`.

    Nested blocks inherit what they do not override.
    """
    outer = _context.get()
    context = AuditContext(
        user=user if user is not None else (outer.user if outer else None),
        label=label or (outer.label if outer else ""),
        reason=reason or (outer.reason if outer else ""),
    )
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


def current_audit_context() -> AuditContext | None:
    return _context.get()


def _request_user() -> AbstractBaseUser | None:
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user


def describe_actor(user: AbstractBaseUser | None = None) -> str:
    """A never-empty text naming who acts now: user name, job/command label, or process."""
    context = _context.get()
    user = user or (context.user if context else None) or _request_user()
    label = context.label if context else ""
    if user is not None and label:
        return f"{user.get_username()} ({label})"
    if user is not None:
        return user.get_username()
    if label:
        return label
    return f"system:{_process_name()}"


def _process_name() -> str:
    argv = [part for part in sys.argv[:2] if part]
    return " ".join(p.rsplit("/", 1)[-1] for p in argv) or "python"


@receiver(pre_create_historical_record)
def _stamp_historical_record(sender, instance, history_instance, **kwargs) -> None:
    """Fill actor, user and reason on every history row from the audit context."""
    context = _context.get()
    if history_instance.history_user_id is None:
        user = (context.user if context else None) or _request_user()
        if user is not None:
            history_instance.history_user = user
    if not history_instance.history_change_reason:
        explicit = getattr(instance, "_change_reason", "")
        history_instance.history_change_reason = explicit or (context.reason if context else "")
    history_instance.history_actor = describe_actor(history_instance.history_user)
