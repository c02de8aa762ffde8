"""FilterSets of the governance records, shared by the API and the dashboards."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.choices import AuditAction, AuditEventKind
from core.filters import id_filter
from core.models import AuditEvent
from governance.choices import (
    ApprovalStatus,
    ComplianceOutcome,
    FindingKind,
    FindingStatus,
    MinimisationOutcome,
    RealitySourceKind,
    ReportFormat,
)
from governance.models import (
    ApprovalRequest,
    ComplianceAssessment,
    Finding,
    FrameworkVersion,
    GatedStage,
    MinimisationFinding,
    MinimisationRule,
    RealityListing,
    RegulatoryFramework,
    Report,
    Requirement,
    RequirementResult,
)
from governance.selectors.approvals import inbox
from inventory.choices import PurposeCategory, RiskTier

__all__ = [
    "ApprovalRequestFilterSet",
    "AuditEventFilterSet",
    "ComplianceAssessmentFilterSet",
    "FindingFilterSet",
    "FrameworkVersionFilterSet",
    "MinimisationFindingFilterSet",
    "MinimisationRuleFilterSet",
    "RealityListingFilterSet",
    "RegulatoryFrameworkFilterSet",
    "ReportFilterSet",
    "RequirementFilterSet",
    "RequirementResultFilterSet",
]

# The apps whose records the audit log holds (Custodia's own; not Django's auth, sessions…).
AUDITED_APPS = ("core", "inventory", "lineage", "monitoring", "risk", "governance")


# Database integer columns end here; larger numbers are refused, not sent to the database.
BIGINT_MAX = 2**63 - 1


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment with any UTC offset a clock may show, compared in UTC (PostgreSQL
    refuses offsets beyond ±15:59 that ISO allows)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as error:  # before year 1 or after 9999 in UTC
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def _app_choices() -> list[tuple[str, str]]:
    return [(label, apps.get_app_config(label).verbose_name) for label in AUDITED_APPS
            if apps.is_installed(label)]


def _record_type_choices() -> list[tuple[str, str]]:
    choices = []
    for label in AUDITED_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "history") or model._meta.model_name == "accessevent":
                name = f"{label}.{model._meta.model_name}"
                choices.append((name, str(model._meta.verbose_name).capitalize()))
    return sorted(choices, key=lambda choice: choice[1])


class AuditEventFilterSet(django_filters.FilterSet):
    """One search over the audit log: by record, user, action, time range and app."""

    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Words in the record's name, who acted or why")
    app = django_filters.ChoiceFilter(field_name="content_type__app_label", choices=_app_choices,
                                      label="Area")
    record_type = django_filters.ChoiceFilter(method="filter_record_type",
                                              choices=_record_type_choices, label="Record type")
    object_id = django_filters.CharFilter(label="Record id")
    record = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains",
                                       label="Record name (contains)")
    actor = django_filters.CharFilter(lookup_expr="icontains", label="Who (contains)",
                                      help_text="A user name, or a job such as job:")
    user = django_filters.NumberFilter(field_name="user_id", label="User id", min_value=0,
                                       max_value=BIGINT_MAX)
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    kind = django_filters.ChoiceFilter(choices=AuditEventKind.choices, label="Kind of event")
    occurred_after = UtcIsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="From",
        help_text="Date and time, e.g. 2026-01-31T09:00")
    occurred_before = UtcIsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", label="Before")
    seq = django_filters.NumberFilter(label="Entry number", min_value=0, max_value=BIGINT_MAX)

    class Meta:
        model = AuditEvent
        fields = ["q", "app", "record_type", "object_id", "record", "actor", "user", "action",
                  "kind", "occurred_after", "occurred_before", "seq"]

    def filter_q(self, queryset, name, value: str):
        return queryset.filter(Q(object_repr__icontains=value) | Q(actor__icontains=value)
                               | Q(reason__icontains=value))

    def filter_record_type(self, queryset, name, value: str):
        app_label, _, model = value.partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        return queryset.filter(content_type=content_type) if content_type else queryset.none()


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")




class FindingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.MultipleChoiceFilter(choices=FindingKind.choices, label="Kind")
    status = django_filters.MultipleChoiceFilter(choices=FindingStatus.choices, label="Status")
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), label="Owner",
        to_field_name="username")
    owner_id = id_filter("owner_id", "Owner id")
    model = id_filter("model_id", "Model id")
    model_version = id_filter("model_version_id", "Model version id")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt",
                                           label="Due before", widget=DATE_INPUT)
    found_after = django_filters.DateFilter(field_name="first_seen_at", lookup_expr="date__gte",
                                            label="Found on or after", widget=DATE_INPUT)
    found_before = django_filters.DateFilter(field_name="first_seen_at", lookup_expr="date__lt",
                                             label="Found before", widget=DATE_INPUT)
    ordering = django_filters.OrderingFilter(
        fields=(("first_seen_at", "found"), ("due_on", "due"), ("kind", "kind"),
                ("status", "status"), ("owner__username", "owner")),
        label="Sort by")

    class Meta:
        model = Finding
        fields: list[str] = []

    def search(self, queryset, name: str, value: str):
        return queryset.filter(Q(subject__icontains=value) | Q(detail__icontains=value)
                               | Q(source__icontains=value)) if value else queryset

    def filter_overdue(self, queryset, name: str, value):
        from django.utils import timezone

        if value is None:
            return queryset
        late = Q(due_on__lt=timezone.localdate()) & ~Q(status=FindingStatus.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)


class RealityListingFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=RealitySourceKind.choices, label="Kind")
    source = django_filters.CharFilter(lookup_expr="iexact", label="Source")
    received_after = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte",
                                               label="Received on or after")
    ordering = django_filters.OrderingFilter(fields=(("received_at", "received"),),
                                             label="Sort by")

    class Meta:
        model = RealityListing
        fields: list[str] = []


def _template_choices() -> list[tuple[str, str]]:
    from governance.services.reports import REPORT_TEMPLATES

    return [(key, template.title) for key, template in REPORT_TEMPLATES.items()]


class ReportFilterSet(django_filters.FilterSet):
    template = django_filters.ChoiceFilter(choices=_template_choices, label="Report")
    file_format = django_filters.MultipleChoiceFilter(field_name="format", choices=ReportFormat.choices,
                                                      label="Format")
    schedule = id_filter("schedule_id", "Schedule id")
    generated_after = django_filters.DateFilter(field_name="generated_at", lookup_expr="date__gte",
                                                label="Generated on or after",
                                                widget=DATE_INPUT)
    generated_before = django_filters.DateFilter(field_name="generated_at", lookup_expr="date__lt",
                                                 label="Generated before", widget=DATE_INPUT)
    ordering = django_filters.OrderingFilter(fields=(("generated_at", "generated"),),
                                             label="Sort by")

    class Meta:
        model = Report
        fields: list[str] = []

# A yes/no filter whose empty choice reads "Any" (not "Unknown").
YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]

BOXES = [("waiting", "Waiting for me"), ("mine", "Requested by me"), ("overdue", "Overdue")]




class ApprovalRequestFilterSet(django_filters.FilterSet):
    box = django_filters.ChoiceFilter(choices=BOXES, method="filter_box", label="Show",
                                      empty_label="All requests")
    status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices, label="Status")
    to_stage = django_filters.ChoiceFilter(choices=GatedStage.choices, label="Into stage")
    model_version = id_filter("model_version_id", "Model version id")
    model = id_filter("model_version__model_id", "Model id")
    q = django_filters.CharFilter(method="filter_q", label="Search")
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "created"), ("due_at", "due"), ("status", "status")),
        label="Sort by")

    class Meta:
        model = ApprovalRequest
        fields: list[str] = []

    def filter_box(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return inbox(user, queryset, value) if user is not None and value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(model_version__model__name__icontains=value)
                               | Q(reason__icontains=value))


class MinimisationRuleFilterSet(django_filters.FilterSet):
    purpose_category = django_filters.ChoiceFilter(choices=PurposeCategory.choices,
                                                   label="Purpose")
    domain = django_filters.CharFilter(lookup_expr="iexact", label="Domain")
    active = django_filters.BooleanFilter(label="Active")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    ordering = django_filters.OrderingFilter(fields=(("name", "name"),), label="Sort by")

    class Meta:
        model = MinimisationRule
        fields: list[str] = []


class MinimisationFindingFilterSet(django_filters.FilterSet):
    outcome = django_filters.MultipleChoiceFilter(choices=MinimisationOutcome.choices,
                                                  label="Outcome")
    blocking = django_filters.BooleanFilter(label="Blocks promotion",
                                            widget=forms.Select(choices=YES_NO))
    rule = django_filters.ModelChoiceFilter(queryset=MinimisationRule.objects.all(),
                                            label="Rule", empty_label="Any rule")
    q = django_filters.CharFilter(method="filter_q", label="Model or input")

    class Meta:
        model = MinimisationFinding
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(model_version__model__name__icontains=value)
                               | Q(feature__icontains=value))


def _framework_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name, to_field_name="code", label="Framework",
        queryset=RegulatoryFramework.objects.order_by("short_name"))


class RegulatoryFrameworkFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Name, code, jurisdiction or authority.")
    jurisdiction = django_filters.CharFilter(lookup_expr="icontains", label="Jurisdiction")
    ordering = django_filters.OrderingFilter(
        fields=(("short_name", "short_name"), ("jurisdiction", "jurisdiction"),
                ("updated_at", "updated")), label="Sort by")

    class Meta:
        model = RegulatoryFramework
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)
                               | Q(short_name__icontains=value)
                               | Q(jurisdiction__icontains=value)
                               | Q(authority__icontains=value))


class FrameworkVersionFilterSet(django_filters.FilterSet):
    framework = _framework_filter("framework")
    is_current = django_filters.BooleanFilter(label="In force")
    ordering = django_filters.OrderingFilter(
        fields=(("version", "version"), ("effective_date", "effective_date")), label="Sort by")

    class Meta:
        model = FrameworkVersion
        fields: list[str] = []


class RequirementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Clause, title, summary or evidence.")
    framework = _framework_filter("framework_version__framework")
    framework_version = django_filters.ModelChoiceFilter(
        queryset=FrameworkVersion.objects.all(), label="Framework version id")
    is_current = django_filters.BooleanFilter(label="Revision in force")
    key = django_filters.CharFilter(label="Key")
    evidence_check = django_filters.CharFilter(method="filter_check", label="Evidence check",
                                               help_text="Name of an evidence check it cites.")
    ordering = django_filters.OrderingFilter(
        fields=(("order", "order"), ("clause", "clause"), ("revision", "revision")),
        label="Sort by")

    class Meta:
        model = Requirement
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(clause__icontains=value) | Q(title__icontains=value)
                               | Q(summary__icontains=value) | Q(evidence__icontains=value))

    def filter_check(self, queryset, name, value):
        return queryset.filter(evidence_checks__contains=[value])


class ComplianceAssessmentFilterSet(django_filters.FilterSet):
    framework = _framework_filter("framework")
    status = django_filters.MultipleChoiceFilter(choices=ComplianceOutcome.choices,
                                                 label="Status")
    model = id_filter("model_id", "Model id", hidden=True)
    model_name = django_filters.CharFilter(field_name="model__name", lookup_expr="icontains",
                                           label="Model name contains")
    risk_tier = django_filters.MultipleChoiceFilter(field_name="model__risk_tier",
                                                    choices=RiskTier.choices, label="Risk tier")
    superseded = django_filters.BooleanFilter(
        method="filter_superseded", label="Superseded statuses",
        help_text="Yes: earlier statuses that a later one replaced; no or unset: the statuses "
                  "in force.")
    assessed_after = django_filters.IsoDateTimeFilter(field_name="assessed_at",
                                                      lookup_expr="gte", label="Assessed after")
    ordering = django_filters.OrderingFilter(
        fields=(("model__name", "model"), ("framework__short_name", "framework"),
                ("status", "status"), ("gap_count", "gaps"), ("assessed_at", "assessed")),
        label="Sort by")

    class Meta:
        model = ComplianceAssessment
        fields: list[str] = []

    @property
    def qs(self):
        queryset = super().qs
        if getattr(self.form, "cleaned_data", {}).get("superseded") is None:
            queryset = queryset.filter(is_current=True)
        return queryset

    def filter_superseded(self, queryset, name, value):
        return queryset.filter(is_current=not value)


class RequirementResultFilterSet(django_filters.FilterSet):
    """The gaps in force (results of current assessments), filtered for drill-down."""

    framework = _framework_filter("assessment__framework")
    requirement = id_filter("requirement_id", "Requirement id", hidden=True)
    model = id_filter("assessment__model_id", "Model id", hidden=True)
    model_name = django_filters.CharFilter(field_name="assessment__model__name",
                                           lookup_expr="icontains", label="Model name contains")
    risk_tier = django_filters.MultipleChoiceFilter(field_name="assessment__model__risk_tier",
                                                    choices=RiskTier.choices, label="Risk tier")
    ordering = django_filters.OrderingFilter(
        fields=(("assessment__model__name", "model"), ("requirement__clause", "clause")),
        label="Sort by")

    class Meta:
        model = RequirementResult
        fields: list[str] = []
