"""Routes of the platform API under /api/v1/."""

from rest_framework.routers import SimpleRouter

from core.api import views

app_name = "core-api"

router = SimpleRouter()
router.register("job-runs", views.JobRunViewSet)
router.register("access-events", views.AccessEventViewSet)
router.register("permission-denials", views.PermissionDenialViewSet)

urlpatterns = router.urls
