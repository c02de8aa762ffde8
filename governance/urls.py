"""Dashboard routes of the governance app, under /governance/."""

from django.urls import path

from governance.views import audit

app_name = "governance"

urlpatterns: list = [
    path("audit-trail/", audit.AuditTrailView.as_view(), name="auditevent_list"),
]
