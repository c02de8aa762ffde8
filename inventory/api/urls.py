"""Routes of the inventory API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from inventory.api import views

app_name = "inventory-api"

router = DefaultRouter()
router.register("job-runs", views.JobRunViewSet)
router.register("access-events", views.AccessEventViewSet)

urlpatterns = router.urls
