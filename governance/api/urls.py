"""Governance routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from governance.api.views.approvals import ApprovalRequestViewSet
from governance.api.views.minimisation import MinimisationRuleViewSet

app_name = "governance-api"

router = SimpleRouter()
router.register("approval-requests", ApprovalRequestViewSet)
router.register("minimisation-rules", MinimisationRuleViewSet)

urlpatterns = [
    *router.urls,
]
