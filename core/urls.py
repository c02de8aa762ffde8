"""Dashboard routes of the platform's records (mounted at /inventory/, where they have always
been): job runs and the access log."""

from django.urls import path

from core.views import access, jobs

app_name = "core"

urlpatterns = [
    path("job-runs/", jobs.JobRunListView.as_view(), name="jobrun_list"),
    path("job-runs/<int:pk>/", jobs.JobRunDetailView.as_view(), name="jobrun_detail"),
    path("access-events/", access.AccessEventListView.as_view(), name="accessevent_list"),
]
