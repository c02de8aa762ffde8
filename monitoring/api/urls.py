"""Monitoring routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring.api.views import alerts, costs, fleet, health, metrics

app_name = "monitoring-api"

router = SimpleRouter()
# Fleet
router.register("deployment-events", fleet.DeploymentEventViewSet)
# Health
router.register("monitoring-requirements", health.MonitoringRequirementViewSet)
router.register("health-findings", health.HealthFindingViewSet)
# Costs
router.register("cost-records", costs.CostRecordViewSet)
# Metrics
router.register("metric-batches", metrics.MetricBatchViewSet)
router.register("metric-rollups", metrics.MetricRollupViewSet)
router.register("metric-thresholds", alerts.MetricThresholdViewSet)
router.register("retraining-alerts", alerts.RetrainingAlertViewSet)

urlpatterns = [
    path("cicd/deployment-events/", fleet.DeploymentEventPostView.as_view(),
         name="cicd-deployment-event"),
    path("cost-reports/<str:month>/", costs.CostReportView.as_view(), name="cost-report"),
    *router.urls,
    path("retraining-priorities/", alerts.RetrainingPriorityView.as_view(),
         name="retraining-priorities"),
]
