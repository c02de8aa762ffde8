"""Audit log entries: appended through the chain service, as the application does."""

from __future__ import annotations

import factory
from django.utils import timezone

from core.choices import AuditAction, AuditEventKind
from core.models import AuditEvent
from core.services.audit_chain import PendingEntry, audit_append, canonical_json


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An access entry by default (`kind`, `action`, `data` may be given)."""

    class Meta:
        model = AuditEvent

    kind = AuditEventKind.ACCESS
    action = AuditAction.SEARCH
    occurred_at = factory.LazyFunction(timezone.now)
    content_type = None
    object_id = ""
    object_repr = ""
    actor = "auditor"
    user = None
    reason = ""
    source = ""
    data = factory.LazyFunction(lambda: canonical_json({"query": "action=export",
                                                        "result_count": 3}))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content_type, user = kwargs.pop("content_type"), kwargs.pop("user")
        seq = audit_append(PendingEntry(
            content_type_id=content_type.pk if content_type else None,
            user_id=user.pk if user else None, **kwargs))
        return AuditEvent.objects.select_related("content_type").get(seq=seq)
