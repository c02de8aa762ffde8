"""Dashboard routes of the monitoring app, under /monitoring/."""

from django.urls import path

from monitoring.views.alerts import (
    MetricThresholdListView,
    RetrainingAlertDetailView,
    RetrainingAlertListView,
)
from monitoring.views.capacity import CapacityView, RetrainingPriorityView

app_name = "monitoring"

urlpatterns: list = [
    path("alerts/", RetrainingAlertListView.as_view(), name="alert_list"),
    path("alerts/<int:pk>/", RetrainingAlertDetailView.as_view(), name="alert_detail"),
    path("thresholds/", MetricThresholdListView.as_view(), name="threshold_list"),
    path("capacity/", CapacityView.as_view(), name="capacity"),
    path("retraining-priority/", RetrainingPriorityView.as_view(), name="priority"),
]
