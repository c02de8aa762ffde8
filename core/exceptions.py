"""Errors services raise, translated once per door: a `ValidationError` is a bad input (400, a
form error); a `ConflictError` is a valid request that the record's current state refuses
(409, a message next to the record)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, ProtectedError, RestrictedError

__all__ = ["ConflictError", "conflict_from_protected"]


class ConflictError(Exception):
    """A valid request refused by the record's state: frozen, under legal hold, referenced
    by other records, a reused idempotency key."""

    def __init__(self, message: str, *, blocking: Iterable[Model] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.blocking = list(blocking)

    @property
    def messages(self) -> list[str]:
        return [self.message]


def conflict_from_protected(error: ProtectedError | RestrictedError, *,
                            obj: Model | None = None) -> ConflictError:
    """A delete refused by the database's references, naming (up to ten of) the rows in the way."""
    blocking = list(error.protected_objects if isinstance(error, ProtectedError)
                    else error.restricted_objects)
    shown = ", ".join(f"{row._meta.verbose_name} “{row}”" for row in blocking[:10])
    more = f" and {len(blocking) - 10} more" if len(blocking) > 10 else ""
    subject = f"“{obj}”" if obj is not None else "This record"
    return ConflictError(f"{subject} cannot be deleted while other records refer to it: "
                         f"{shown}{more}.", blocking=blocking)
