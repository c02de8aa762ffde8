"""Dashboard lists of issue 4's evidence: legal holds, purged artifacts, deprecation notices
and deployments, for the people who answer for them without the admin (compliance, risk,
auditors, business owners). Filtered, sorted, exported to CSV like every list; writes go
through the admin and the API."""

from __future__ import annotations

import django_filters

from core.menu import Counter, MenuItem, register_counter, register_menu_item
from core.tables import Column
from core.views.generic import ObjectListView
from inventory.choices import ModelStage
from inventory.models import (
    Deployment,
    DeploymentEnvironment,
    DeploymentStatus,
    DeprecationNotice,
    LegalHold,
    NoticeStatus,
    PurgeRecord,
    TriggerKind,
)

__all__ = ["DeploymentListView", "DeprecationNoticeListView", "LegalHoldListView",
           "PurgeRecordListView", "register_lifecycle_navigation"]


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------
class LegalHoldFilterSet(django_filters.FilterSet):
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Reference (contains)")
    active = django_filters.BooleanFilter(field_name="released_at", lookup_expr="isnull",
                                          label="Still in force")

    class Meta:
        model = LegalHold
        fields = ["reference", "active"]


class PurgeRecordFilterSet(django_filters.FilterSet):
    artifact_uri = django_filters.CharFilter(lookup_expr="icontains", label="Artifact (contains)")
    purged_after = django_filters.IsoDateTimeFilter(
        field_name="purged_at", lookup_expr="gte", label="Purged from",
        help_text="Date and time, e.g. 2026-01-31T09:00")

    class Meta:
        model = PurgeRecord
        fields = ["artifact_uri", "policy"]


class DeprecationNoticeFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=NoticeStatus.choices)
    trigger = django_filters.MultipleChoiceFilter(choices=TriggerKind.choices)
    effective_before = django_filters.DateFilter(field_name="effective_on", lookup_expr="lte",
                                                 label="Effective on or before")

    class Meta:
        model = DeprecationNotice
        fields = ["status", "trigger"]


class DeploymentFilterSet(django_filters.FilterSet):
    environment = django_filters.MultipleChoiceFilter(choices=DeploymentEnvironment.choices)
    status = django_filters.MultipleChoiceFilter(choices=DeploymentStatus.choices)
    region = django_filters.CharFilter()
    model = django_filters.CharFilter(field_name="model_version__model__name",
                                      lookup_expr="icontains", label="Model (contains)")

    class Meta:
        model = Deployment
        fields = ["environment", "status", "region"]


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------
class LegalHoldListView(ObjectListView):
    model = LegalHold
    filterset_class = LegalHoldFilterSet
    title = "Legal holds"
    description = ("Litigation and regulatory holds. Nothing a hold covers is purged, whatever "
                   "the retention policy says, until the hold is released.")
    empty_message = "No legal hold has been placed. Compliance officers place them in the API."
    default_sort = "-created_at"
    columns = [
        Column("reference", "Reference", sort="reference"),
        Column(lambda h: str(h.target), "Covers"),
        Column("reason", "Reason"),
        Column(lambda h: h.placed_by.get_username() if h.placed_by_id else "", "Placed by"),
        Column("created_at", "Placed", sort="created_at"),
        Column(lambda h: "in force" if h.is_active else "released", "Status",
               badge={"in force": "warning", "released": "secondary"}),
        Column("released_at", "Released", sort="released_at"),
    ]


class PurgeRecordListView(ObjectListView):
    model = PurgeRecord
    filterset_class = PurgeRecordFilterSet
    title = "Purged artifacts"
    description = ("Artifact files removed by the retention purge after their retention period "
                   "(versions, history and audit records are never removed).")
    empty_message = "No artifact has been purged yet."
    default_sort = "-purged_at"
    columns = [
        Column("purged_at", "Purged", sort="purged_at"),
        Column(lambda r: str(r.model_version or r.dataset_version), "Version"),
        Column("artifact_uri", "Artifact"),
        Column("size", "Bytes freed"),
        Column("policy.name", "Policy"),
        Column("retained_until", "Retained until", sort="retained_until"),
        Column("actor", "By"),
    ]


class DeprecationNoticeListView(ObjectListView):
    model = DeprecationNotice
    filterset_class = DeprecationNoticeFilterSet
    title = "Deprecation notices"
    description = ("Owners are told before a version is deprecated or archived automatically "
                   "(performance decay, expired validation or approval, planned date).")
    empty_message = "No deprecation or archival has been announced."
    default_sort = "effective_on"
    columns = [
        Column(lambda n: str(n.model_version), "Version"),
        Column("trigger", "Why", sort="trigger"),
        Column("target_stage", "Becomes", badge={ModelStage.DEPRECATED: "warning",
                                                 ModelStage.ARCHIVED: "secondary"}),
        Column("effective_on", "On", sort="effective_on"),
        Column("status", "Status", sort="status", badge={
            NoticeStatus.NOTIFIED: "info", NoticeStatus.APPLIED: "success",
            NoticeStatus.CANCELLED: "secondary", NoticeStatus.REFUSED: "danger"}),
        Column("reason", "Details"),
        Column("notified_at", "Notified", sort="notified_at"),
    ]


class DeploymentListView(ObjectListView):
    model = Deployment
    filterset_class = DeploymentFilterSet
    title = "Deployments"
    description = "Where each model version runs: environment, region, customer segment."
    empty_message = "No deployment has been reported. Pipelines report them to the CI/CD API."
    default_sort = "-deployed_at"
    columns = [
        Column(lambda d: str(d.model_version), "Version", link=True),
        Column("environment", "Environment", sort="environment",
               badge={DeploymentEnvironment.PRODUCTION: "success"}),
        Column("region", "Region", sort="region"),
        Column("segment", "Segment"),
        Column("status", "Status", sort="status", badge={
            DeploymentStatus.ACTIVE: "success", DeploymentStatus.FAILED: "danger",
            DeploymentStatus.PENDING: "info", DeploymentStatus.STOPPED: "secondary"}),
        Column("endpoint", "Endpoint"),
        Column("deployed_at", "Deployed", sort="deployed_at"),
    ]


# --------------------------------------------------------------------------------------
# Navigation
# --------------------------------------------------------------------------------------
def register_lifecycle_navigation() -> None:
    """Menu entries and a home counter (called from `InventoryConfig.ready()`)."""
    from django.urls import reverse

    register_menu_item(MenuItem("Governance", "Legal holds", "inventory:legalhold_list",
                                "inventory.view_legalhold", "Holds that block any purge"))
    register_menu_item(MenuItem("Governance", "Purged artifacts", "inventory:purgerecord_list",
                                "inventory.view_purgerecord",
                                "Artifacts removed after their retention period"))
    register_menu_item(MenuItem("Inventory", "Deprecation notices",
                                "inventory:deprecationnotice_list",
                                "inventory.view_deprecationnotice",
                                "Versions announced for deprecation or archival"))
    register_menu_item(MenuItem("Monitoring", "Deployments", "inventory:deployment_list",
                                "inventory.view_deployment",
                                "Where model versions run, reported by CI/CD"))
    register_counter(Counter(
        label="Deprecations announced",
        queryset=lambda user: DeprecationNotice.objects.filter(status=NoticeStatus.NOTIFIED)
        .filter(pk__in=_visible_notices(user)),
        url=lambda: reverse("inventory:deprecationnotice_list") + f"?status={NoticeStatus.NOTIFIED}",
        permission="inventory.view_deprecationnotice",
        help_text="Versions whose owners were told they will be deprecated or archived.",
        attention=True,
    ))


def _visible_notices(user):
    from core.permissions import restrict_queryset

    return restrict_queryset(DeprecationNotice.objects.all(), user, "view").values("pk")
