"""API views of deprecation: rules and schedules (configuration, written through
`inventory.services.deprecation`) and notices (read-only evidence written by the job).
"""

from __future__ import annotations

from core.api.viewsets import GovernedViewSet, RestrictedReadOnlyViewSet
from inventory.api.serializers.deprecation import (
    DeprecationNoticeSerializer,
    DeprecationRuleSerializer,
    DeprecationScheduleSerializer,
)
from inventory.models import DeprecationNotice, DeprecationRule, DeprecationSchedule
from inventory.services import deprecation

__all__ = [
    "DeprecationNoticeViewSet",
    "DeprecationRuleViewSet",
    "DeprecationScheduleViewSet",
]


class DeprecationNoticeViewSet(RestrictedReadOnlyViewSet):
    """Notices sent to owners before an automatic deprecation or archival."""

    queryset = DeprecationNotice.objects.all()
    serializer_class = DeprecationNoticeSerializer
    filterset_fields = ["model_version", "trigger", "target_stage", "status"]
    ordering_fields = ["notified_at", "effective_on"]


class DeprecationRuleViewSet(GovernedViewSet):
    """Performance-decay triggers: a metric past a threshold N times in a row."""

    queryset = DeprecationRule.objects.all()
    serializer_class = DeprecationRuleSerializer
    filterset_fields = ["model", "metric", "active"]
    ordering_fields = ["name"]
    create_service = staticmethod(deprecation.deprecation_rule_create)
    update_service = staticmethod(deprecation.deprecation_rule_update)
    delete_service = staticmethod(deprecation.deprecation_rule_delete)
    instance_argument = "rule"


class DeprecationScheduleViewSet(GovernedViewSet):
    """Planned deprecation/archival dates and validation/approval expiry per version."""

    queryset = DeprecationSchedule.objects.all()
    serializer_class = DeprecationScheduleSerializer
    filterset_fields = ["model_version"]
    ordering_fields = ["deprecate_on", "archive_on", "validation_expires_on"]
    create_service = staticmethod(deprecation.deprecation_schedule_create)
    update_service = staticmethod(deprecation.deprecation_schedule_update)
    delete_service = staticmethod(deprecation.deprecation_schedule_delete)
    instance_argument = "schedule"
