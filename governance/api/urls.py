"""Governance routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

app_name = "governance-api"

router = SimpleRouter()

urlpatterns = [
    *router.urls,
]
