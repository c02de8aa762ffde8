"""Dashboard routes of the inventory app (mounted at /inventory/)."""

from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("job-runs/", views.JobRunListView.as_view(), name="jobrun_list"),
    path("job-runs/<int:pk>/", views.JobRunDetailView.as_view(), name="jobrun_detail"),
    path("access-events/", views.AccessEventListView.as_view(), name="accessevent_list"),
]
