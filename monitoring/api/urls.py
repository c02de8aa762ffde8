"""Monitoring routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring.api.views import costs, fleet, health

app_name = "monitoring-api"

router = SimpleRouter()
# Fleet
router.register("deployment-events", fleet.DeploymentEventViewSet)
# Health
router.register("monitoring-requirements", health.MonitoringRequirementViewSet)
router.register("health-findings", health.HealthFindingViewSet)
# Costs
router.register("cost-records", costs.CostRecordViewSet)

urlpatterns = [
    path("cicd/deployment-events/", fleet.DeploymentEventPostView.as_view(),
         name="cicd-deployment-event"),
    path("cost-reports/<str:month>/", costs.CostReportView.as_view(), name="cost-report"),
    *router.urls,
]
