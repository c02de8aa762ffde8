"""Reads of approvals shared by the inbox, the panels and the API."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.choices import ApprovalStatus
from governance.models import ApprovalRequest

__all__ = ["inbox", "is_overdue", "overdue_q", "waiting_for"]


def overdue_q(now=None) -> Q:
    """Requests still waiting past their review deadline (and not yet expired)."""
    now = now or timezone.now()
    return Q(status=ApprovalStatus.PENDING, due_at__lt=now, expires_at__gt=now)


def is_overdue(request: ApprovalRequest) -> bool:
    now = timezone.now()
    return request.status == ApprovalStatus.PENDING and request.due_at < now < request.expires_at


def waiting_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """Pending, unexpired requests `user` may still decide on: not theirs, not of a version
    they wrote or a model they own, not already decided by them, and one their roles count
    for (the CAB member role when the request needs the CAB)."""
    queryset = ApprovalRequest.objects.all() if queryset is None else queryset
    roles = list(user.groups.values_list("name", flat=True))
    counts = Q()
    for role in roles:
        counts |= Q(approver_roles__icontains=f"\"{role}\"")
    if "CAB member" in roles:
        counts |= Q(cab_required=True)
    if not counts:
        return queryset.none()
    return (queryset.filter(counts, status=ApprovalStatus.PENDING,
                            expires_at__gt=timezone.now())
            .exclude(requested_by=user).exclude(model_version__created_by=user)
            .exclude(model_version__model__owner=user).exclude(decisions__approver=user))


def inbox(user, queryset: QuerySet, box: str) -> QuerySet:
    """`box`: waiting (for me), mine (requested by me), overdue, or anything else: all."""
    if box == "waiting":
        return waiting_for(user, queryset)
    if box == "mine":
        return queryset.filter(requested_by=user)
    if box == "overdue":
        return queryset.filter(overdue_q())
    return queryset
