"""API shape of data-minimisation rules."""

from __future__ import annotations

from core.api.serializers import GovernedSerializer
from governance.models import MinimisationRule

__all__ = ["MinimisationRuleSerializer"]


class MinimisationRuleSerializer(GovernedSerializer):
    class Meta:
        model = MinimisationRule
        fields = ["id", "name", "purpose_category", "domain", "allowed_features",
                  "prohibited_attributes", "justification_attributes", "description", "active",
                  "created_at", "updated_at", "change_reason"]
        read_only_fields = ["created_at", "updated_at"]
