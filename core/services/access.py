"""Explicit denials: deny one action on one record to a user, a role or a team, and lift it.

Both are governed writes (history with who and why), made here from every door: the API,
the admin and the dashboard.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model

from core.models import PermissionDenial
from core.permissions import STANDARD_ACTIONS, user_can
from core.services.records import record_create, record_delete

__all__ = ["denial_actions", "denial_target_resolve", "permission_denial_check",
           "permission_denial_create", "permission_denial_lift"]


def denial_actions(content_type: ContentType) -> list[str]:
    """The actions a denial on records of `content_type` may name."""
    custom = Permission.objects.filter(content_type=content_type).exclude(
        codename__in=[f"{a}_{content_type.model}" for a in STANDARD_ACTIONS]
    ).values_list("codename", flat=True)
    return [*STANDARD_ACTIONS, *sorted(custom)]


def denial_target_resolve(*, content_type: ContentType, object_id: str, actor) -> Model:
    """The record a denial is about, if `actor` may see it (else a field error: an unknown
    and an invisible record look the same, so ids cannot be probed)."""
    model = content_type.model_class()
    record = None
    if model is not None:
        try:
            record = model._default_manager.filter(pk=object_id).first()
        except (ValueError, TypeError, ValidationError):
            record = None
    if record is None or not user_can(actor, "view", record):
        raise ValidationError({"object_id": ["No such record of this type."]})
    return record


def permission_denial_check(*, content_type: ContentType, action: str, reason: str) -> None:
    """The rules of a denial beyond its row: a known action for this record type, a reason.

    Raises:
        ValidationError: every problem, by field.
    """
    problems: dict[str, list[str]] = {}
    allowed = denial_actions(content_type)
    if action not in allowed:
        problems["action"] = [f"Choose one of: {', '.join(allowed)}."]
    if not (reason or "").strip():
        problems["reason"] = ["Say why the access is denied."]
    if problems:
        raise ValidationError(problems)


def permission_denial_create(*, obj: Model, action: str, actor, reason: str, user=None,
                             group=None, team=None, change_reason: str = "") -> PermissionDenial:
    """Deny `action` on `obj` to one user, role (group) or team; it wins over roles and
    grants. Denying `view` hides the object entirely (lists, search, detail, exports).
    `reason` is the denial's own; the history records `change_reason` when one is given.

    Raises:
        ValidationError: not exactly one target, no reason, or an unknown action; nothing
            is written.
    """
    content_type = ContentType.objects.get_for_model(obj)
    permission_denial_check(content_type=content_type, action=action, reason=reason)
    return record_create(
        model_class=PermissionDenial, actor=actor, reason=change_reason or reason,
        data={"content_type": content_type, "object_id": str(obj.pk), "user": user,
              "group": group, "team": team, "action": action, "reason": reason},
        created_by=actor if getattr(actor, "is_authenticated", False) else None)


def permission_denial_lift(*, denial: PermissionDenial, actor, reason: str) -> None:
    """Lift a denial (the role's and grants' permissions apply again); the history keeps it.

    Raises:
        ValidationError: no reason given; nothing is changed.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the denial is lifted."]})
    record_delete(instance=denial, actor=actor, reason=reason)
