"""Governance routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from governance.api.views.audit import AuditEventViewSet

app_name = "governance-api"

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="auditevent")

urlpatterns = [
    *router.urls,
]
