"""Monitoring routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring.api.views import alerts, metrics

app_name = "monitoring-api"

router = SimpleRouter()
router.register("metric-batches", metrics.MetricBatchViewSet)
router.register("metric-rollups", metrics.MetricRollupViewSet)
router.register("metric-thresholds", alerts.MetricThresholdViewSet)
router.register("retraining-alerts", alerts.RetrainingAlertViewSet)

urlpatterns = [
    *router.urls,
    path("retraining-priorities/", alerts.RetrainingPriorityView.as_view(),
         name="retraining-priorities"),
]
