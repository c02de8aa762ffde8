"""Access events: the one helper every view, endpoint and export calls."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest

from core.audit import describe_actor
from core.choices import AccessAction
from core.models import AccessEvent

__all__ = ["access_event_record", "client_address"]


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the server saw it (proxies set REMOTE_ADDR via their config)."""
    return request.META.get("REMOTE_ADDR") or None


def access_event_record(
    *,
    request: HttpRequest | None = None,
    user=None,
    action: AccessAction | str,
    obj: Model | None = None,
    query: str = "",
    result_count: int | None = None,
) -> AccessEvent:
    """Record that `user` (or the request's user) viewed, downloaded, exported or searched.

    Args:
        request: the HTTP request, for user, path, client address and user agent.
        user: the acting user when there is no request (jobs, commands).
        action: one of `AccessAction`.
        obj: the record read, if a single one.
        query: search terms or filters, for searches and exports.
        result_count: how many rows a search or export returned.
    Returns:
        The stored event.
    """
    if request is not None and user is None:
        user = request.user if request.user.is_authenticated else None
    event = AccessEvent(
        user=user,
        actor=describe_actor(user),
        action=AccessAction(action),
        query=query[:1000],
        result_count=result_count,
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:300]
    if request is not None:
        event.path = request.get_full_path()[:500]
        event.client_address = client_address(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    event.save()
    return event
