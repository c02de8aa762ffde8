"""Data-minimisation rules in the API (compliance officers keep them)."""

from __future__ import annotations

from core.api.filtering import StrictFilterBackend
from core.api.permissions import CustodiaPermission
from core.api.viewsets import GovernedViewSet
from governance.api.serializers.minimisation import MinimisationRuleSerializer
from governance.filters import MinimisationRuleFilterSet
from governance.models import MinimisationRule
from governance.services import minimisation

__all__ = ["MinimisationRuleViewSet"]


class MinimisationRuleViewSet(GovernedViewSet):
    """Which inputs a purpose may use; a change rechecks the versions the rule covers."""

    queryset = MinimisationRule.objects.all()
    serializer_class = MinimisationRuleSerializer
    filterset_class = MinimisationRuleFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [CustodiaPermission]
    create_service = staticmethod(minimisation.minimisation_rule_create)
    update_service = staticmethod(minimisation.minimisation_rule_update)
    delete_service = staticmethod(minimisation.minimisation_rule_delete)
