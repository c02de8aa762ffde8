"""Dashboard routes of the monitoring app, under /monitoring/."""

from django.urls import path

from monitoring.views.alerts import (
    MetricThresholdListView,
    RetrainingAlertDetailView,
    RetrainingAlertListView,
)
from monitoring.views.capacity import CapacityView, RetrainingPriorityView
from monitoring.views.costs import CostRecordListView, CostReportView, CostUploadView
from monitoring.views.fleet import DeploymentEventListView, FleetView
from monitoring.views.health import HealthBoardView

app_name = "monitoring"

urlpatterns = [
    path("fleet/", FleetView.as_view(), name="fleet"),
    path("deployment-events/", DeploymentEventListView.as_view(),
         name="deploymentevent_list"),
    path("health/", HealthBoardView.as_view(), name="health"),
    path("costs/", CostRecordListView.as_view(), name="costrecord_list"),
    path("costs/upload/", CostUploadView.as_view(), name="cost_upload"),
    path("costs/report/", CostReportView.as_view(), name="cost_report"),
    path("alerts/", RetrainingAlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/", RetrainingAlertDetailView.as_view(), name="alert_detail"),
    path("thresholds/", MetricThresholdListView.as_view(), name="threshold_list"),
    path("capacity/", CapacityView.as_view(), name="capacity"),
    path("retraining-priority/", RetrainingPriorityView.as_view(), name="priority"),
]
