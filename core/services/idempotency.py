"""Idempotency keys for pipeline calls (the CI/CD integration): a retry never makes a duplicate.

    POST /api/v1/cicd/model-versions/   Idempotency-Key: build-4711-register

The first call with a key runs and its response (status and body) is stored in the same
transaction as the work: if the work fails, neither is kept and a retry runs afresh; if
it succeeds, a retry with the same key and the same request gets the stored response
(marked `Idempotent-Replayed: true`), and the same key with a different request is a 409.
Two identical calls racing each other: the second one's insert of the key waits on the
unique index until the first commits, then replays it (PostgreSQL); SQLite serialises
writers anyway. Keys are per user and per operation, kept `CUSTODIA_IDEMPOTENCY_KEEP_DAYS`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ConflictError
from core.models import IdempotencyRecord

__all__ = ["IdempotencyConflict", "Outcome", "idempotency_prune", "idempotent_call",
           "request_fingerprint"]

MAX_KEY_LENGTH = 200


class IdempotencyConflict(ConflictError):
    """The key was used for a different request (or the first call is still running)."""


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def request_fingerprint(*, method: str, path: str, data: Any) -> str:
    """SHA-256 of the request as the server understood it (canonical JSON)."""
    canonical = json.dumps({"method": method, "path": path, "data": data}, sort_keys=True,
                           separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError({"Idempotency-Key": [
            f"1 to {MAX_KEY_LENGTH} printable characters, unique per call you mean to make."]})


def idempotent_call(*, user, scope: str, key: str | None, fingerprint: str,
                    perform: Callable[[], tuple[int, Any]]) -> Outcome:
    """Run `perform` once per (user, scope, key); replay its stored outcome afterwards.

    Args:
        scope: the operation (e.g. `cicd.model_version_register`).
        key: the client's Idempotency-Key; None runs `perform` without any of this.
        fingerprint: `request_fingerprint(...)` of this call.
        perform: does the work in the caller's transaction and returns (status, body).
            It raises to refuse the call (nothing stored then).
    Returns:
        The outcome, `replayed=True` when it came from the store.
    Raises:
        ValidationError: a malformed key.
        IdempotencyConflict: the key was used with a different request.
    """
    if key is None:
        with transaction.atomic():
            status, body = perform()
        return Outcome(status, body, replayed=False)
    _check_key(key)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, scope=scope, key=key, request_hash=fingerprint,
                    response_status=0, response_body={})
        except IntegrityError:
            record = None
        if record is None:
            stored = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            if stored.request_hash != fingerprint:
                raise IdempotencyConflict(
                    "This Idempotency-Key was already used for a different request; use a new "
                    "key for a new call.")
            return Outcome(stored.response_status, stored.response_body, replayed=True)
        status, body = perform()
        record.response_status = status
        record.response_body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
        record.save(update_fields=["response_status", "response_body"])
    return Outcome(status, body, replayed=False)


def idempotency_prune() -> int:
    """Forget keys older than `CUSTODIA_IDEMPOTENCY_KEEP_DAYS`; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.CUSTODIA_IDEMPOTENCY_KEEP_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
