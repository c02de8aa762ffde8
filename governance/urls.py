"""Dashboard routes of the governance app, under /governance/."""

from django.urls import path

from governance.views.compliance import (
    ComplianceOverviewView,
    ComplianceRecomputeView,
    ComplianceStatusListView,
    GapListView,
)
from governance.views.regulations import FrameworkDetailView, FrameworkListView

app_name = "governance"

urlpatterns = [
    path("compliance/", ComplianceOverviewView.as_view(), name="compliance"),
    path("compliance/statuses/", ComplianceStatusListView.as_view(), name="status_list"),
    path("compliance/gaps/", GapListView.as_view(), name="gap_list"),
    path("compliance/recompute/", ComplianceRecomputeView.as_view(), name="compliance_recompute"),
    path("frameworks/", FrameworkListView.as_view(), name="framework_list"),
    path("frameworks/<int:pk>/", FrameworkDetailView.as_view(), name="framework_detail"),
]
