"""Dashboard routes of the platform's records (mounted at /inventory/, where they have always
been): job runs, the access log and explicit access denials."""

from django.urls import path

from core.views import access, jobs

app_name = "core"

urlpatterns = [
    path("job-runs/", jobs.JobRunListView.as_view(), name="jobrun_list"),
    path("job-runs/<int:pk>/", jobs.JobRunDetailView.as_view(), name="jobrun_detail"),
    path("access-events/", access.AccessEventListView.as_view(), name="accessevent_list"),
    path("permission-denials/", access.PermissionDenialListView.as_view(),
         name="permissiondenial_list"),
    path("permission-denials/add/", access.PermissionDenialCreateView.as_view(),
         name="permissiondenial_add"),
    path("permission-denials/<int:pk>/", access.PermissionDenialDetailView.as_view(),
         name="permissiondenial_detail"),
]
