"""Dashboard routes of the governance app, under /governance/."""

from django.urls import path

from governance.views import audit
from governance.views.reconciliation import (
    FindingDetailView,
    FindingListView,
    ListingUploadView,
    ReconciliationRunView,
)
from governance.views.reports import (
    ReportDownloadView,
    ReportGenerateView,
    ReportListView,
    ReportScheduleDeleteView,
    ReportScheduleEditView,
)

app_name = "governance"

urlpatterns = [
    path("audit-trail/", audit.AuditTrailView.as_view(), name="auditevent_list"),
    path("findings/", FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", FindingDetailView.as_view(), name="finding_detail"),
    path("reconciliation/run/", ReconciliationRunView.as_view(), name="reconciliation_run"),
    path("reconciliation/listings/upload/", ListingUploadView.as_view(), name="listing_upload"),
    path("reports/", ReportListView.as_view(), name="report_list"),
    path("reports/new/<slug:key>/", ReportGenerateView.as_view(), name="report_generate"),
    path("reports/<int:pk>/download/", ReportDownloadView.as_view(), name="report_download"),
    path("reports/schedules/<int:pk>/edit/", ReportScheduleEditView.as_view(),
         name="reportschedule_edit"),
    path("reports/schedules/<int:pk>/delete/", ReportScheduleDeleteView.as_view(),
         name="reportschedule_delete"),
]
