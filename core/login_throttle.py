"""Sign-in throttling: a cool-down after repeated failures, per username and per client
address (Django has none). The sign-in forms and HTTP basic authentication of the API
count failures against the same keys, so no door is a way around another's cool-down."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from core.services.audit import client_address

__all__ = ["login_failed", "login_succeeded", "login_throttle_keys", "login_throttled"]


def login_throttle_keys(username: str, request) -> list[str]:
    """The cache keys a sign-in attempt by `username` from `request`'s client counts on."""
    address = client_address(request) if request is not None else "unknown"
    return [f"login-failures:user:{(username or '').strip().lower()}",
            f"login-failures:addr:{address}"]


def login_throttled(keys: list[str]) -> bool:
    """Whether any of `keys` has reached the failure limit and is cooling down."""
    return any(cache.get(key, 0) >= settings.CUSTODIA_LOGIN_MAX_FAILURES for key in keys)


def login_failed(keys: list[str]) -> None:
    """Count one failure on each key; the count expires after the cool-down."""
    for key in keys:
        cache.add(key, 0, settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.CUSTODIA_LOGIN_LOCKOUT_SECONDS)


def login_succeeded(keys: list[str]) -> None:
    """A successful sign-in clears the counts."""
    cache.delete_many(keys)
