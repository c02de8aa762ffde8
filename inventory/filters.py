"""FilterSets shared by the inventory API and dashboards.

The catalogue filtersets are the one definition of "search the catalogue": the API's
`StrictFilterBackend`, the dashboards' list views and the CSV exports all bind the same
class, so a filter that works in one place works in every place.
Their form labels are written for compliance staff, because the dashboards render the
filterset's form as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from inventory.choices import (
    AssetClassification,
    BusinessImpact,
    DeploymentEnvironment,
    DeploymentStatus,
    ModelStage,
    NoticeStatus,
    Origin,
    PurposeCategory,
    Redistribution,
    RiskTier,
    Sensitivity,
    StorageMode,
    TriggerKind,
)
from inventory.models import (
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Deployment,
    DeprecationNotice,
    Feature,
    LegalHold,
    MLModel,
    ModelVersion,
    Pipeline,
    PurgeRecord,
    SavedSearch,
    Team,
)

__all__ = [
    "SEARCH_CONFIG",
    "AssetFilterSet",
    "DatasetFilterSet",
    "DatasetVersionFilterSet",
    "FeatureFilterSet",
    "MLModelFilterSet",
    "MetricCondition",
    "MetricFilter",
    "ModelVersionFilterSet",
    "PipelineFilterSet",
    "asset_search",
    "parse_metric_conditions",
]


# --------------------------------------------------------------------------------------
# Full-text search
# --------------------------------------------------------------------------------------
# The text search configuration of the GIN index (migration 0004): a query must use the same
# configuration and the same expression for PostgreSQL to use the index.
SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("name", "purpose", "description")


def search_vector():
    """The indexed document of an asset: its name, purpose and description."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)


def asset_search(queryset: QuerySet, text: str) -> QuerySet:
    """Assets whose name, purpose, description or tags match `text`.

    On PostgreSQL this is full-text search (web-search syntax: words, "phrases", -not)
    over the GIN-indexed document, plus tag names. SQLite has no full-text engine that
    Django drives, so there every word must occur (case-insensitively) in one of the
    fields or tags: slower, but the same rows for plain words.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    model = queryset.model
    through = model.tags.through
    tag_owner = f"{model._meta.model_name}_id"
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        words = [w.lower() for w in re.findall(r"[\w-]+", text)]
        # One id list from three index scans (GIN document, tag names, exact name), so the
        # planner drives the search from the indexes instead of testing every row.
        matching = (model._base_manager.alias(_document=search_vector())
                    .filter(_document=query).values("pk")
                    .union(through.objects.filter(tag__name__in=words).values(tag_owner),
                           model._base_manager.filter(name__iexact=text).values("pk")))
        return queryset.filter(pk__in=matching)
    for word in text.split():
        word = word.strip("\"'")
        if not word:
            continue
        tagged = through.objects.filter(tag__name__icontains=word).values(tag_owner)
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(purpose__icontains=word)
            | Q(description__icontains=word) | Q(pk__in=tagged))
    return queryset


# --------------------------------------------------------------------------------------
# Performance filter: `auc>=0.8, f1>0.7`
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricCondition:
    """One parsed condition on a metric of `evaluation_metrics`."""

    metric: str
    operator: str
    value: float

    LOOKUPS = {">=": "gte", ">": "gt", "<=": "lte", "<": "lt", "=": "exact", "==": "exact"}

    def as_q(self, field: str = "evaluation_metrics") -> Q:
        """A JSON key lookup that works on SQLite and PostgreSQL alike.

        The two wide bounds keep non-numeric values out on both databases: SQLite orders
        text above every number, PostgreSQL's jsonb orders strings below numbers.
        """
        key = f"{field}__{self.metric}"
        return (Q(**{f"{key}__{self.LOOKUPS[self.operator]}": self.value})
                & Q(**{f"{key}__gt": -1e300}) & Q(**{f"{key}__lt": 1e300}))

    def __str__(self) -> str:
        return f"{self.metric}{self.operator}{self.value:g}"


_CONDITION = re.compile(
    r"^\s*(?P<metric>[A-Za-z][A-Za-z0-9_\-]{0,59})\s*(?P<op>>=|<=|==|=|>|<)\s*"
    r"(?P<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$")
METRIC_HELP = ("Conditions on evaluation metrics, e.g. auc>=0.8 or auc>0.8, f1<0.5 "
               "(operators >=, >, <=, <, =; separate several with commas).")


def parse_metric_conditions(text: str) -> list[MetricCondition]:
    """Parse `auc>=0.8, f1<0.5` into conditions; a `forms.ValidationError` names the bad part."""
    conditions = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        match = _CONDITION.match(part)
        if match is None or "__" in match["metric"]:
            raise forms.ValidationError(
                "“%(part)s” is not a metric condition. Write a metric name, an operator "
                "(>=, >, <=, <, =) and a number, e.g. auc>=0.8.",
                code="invalid_metric", params={"part": part.strip()})
        try:
            value = float(Decimal(match["value"]))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
            raise forms.ValidationError("Not a number.", code="invalid_metric") from error
        if not abs(value) < 1e300:  # JSON has no infinity; beyond the non-numeric guards
            raise forms.ValidationError(
                "“%(part)s”: the threshold is out of range.", code="invalid_metric",
                params={"part": part.strip()})
        conditions.append(MetricCondition(match["metric"], match["op"], value))
    return conditions


class MetricExpressionField(forms.CharField):
    """A text box whose cleaned value is a list of `MetricCondition`s."""

    def to_python(self, value):
        text = super().to_python(value)
        return parse_metric_conditions(text) if text else []


class MetricFilter(django_filters.Filter):
    """Keep rows whose `evaluation_metrics` satisfy every condition."""

    field_class = MetricExpressionField

    def filter(self, qs, value):
        for condition in value or ():
            qs = qs.filter(condition.as_q(self.field_name))
        return qs


# --------------------------------------------------------------------------------------
# Catalogue assets
# --------------------------------------------------------------------------------------
def _visible(model, request) -> QuerySet:
    """Choices of a filter on a governed asset: only what the user may see, so that the
    answer to "is id 7 a valid choice?" reveals nothing about hidden assets."""
    user = getattr(request, "user", None)
    if user is None:
        return model.objects.none()
    return model.objects.restrict(user, "view")


def _owners(request):
    return get_user_model().objects.filter(is_active=True).order_by("username")


ASSET_ORDERING = (
    ("name", "name"),
    ("domain", "domain"),
    ("team__name", "team"),
    ("owner__username", "owner"),
    ("created_at", "created"),
    ("updated_at", "updated"),
)


class AssetFilterSet(django_filters.FilterSet):
    """Filters every catalogue asset shares: search, ownership, domain, tags, confidentiality."""

    q = django_filters.CharFilter(method="filter_q", label="Search",
                                  help_text="Words in the name, purpose, description or tags.")
    name = django_filters.CharFilter(lookup_expr="iexact", label="Name (exact)")
    name_contains = django_filters.CharFilter(field_name="name", lookup_expr="icontains",
                                              label="Name contains")
    purpose = django_filters.CharFilter(lookup_expr="icontains", label="Purpose contains")
    description = django_filters.CharFilter(lookup_expr="icontains",
                                            label="Description contains")
    domain = django_filters.CharFilter(lookup_expr="iexact", label="Domain",
                                       help_text="Business domain, e.g. credit.")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), label="Team")
    team_slug = django_filters.CharFilter(field_name="team__slug", label="Team (short name)")
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label="Owner")
    owner_username = django_filters.CharFilter(field_name="owner__username", label="Owner (user name)")
    steward = django_filters.ModelChoiceFilter(queryset=_owners, label="Steward")
    tag = django_filters.CharFilter(method="filter_tag", label="Tag",
                                    help_text="One tag, or several separated by commas (any of them).")
    compliance_tag = django_filters.ModelMultipleChoiceFilter(
        method="filter_compliance_tag", queryset=ComplianceTag.objects.all(),
        to_field_name="name", label="Compliance tag",
        help_text="Assets carrying any of the chosen compliance tags.")
    confidential = django_filters.BooleanFilter(label="Confidential")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte",
                                                     label="Registered after")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt",
                                                      label="Registered before")
    ordering = django_filters.OrderingFilter(fields=ASSET_ORDERING, label="Sort by")

    class Meta:
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return asset_search(queryset, value)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        names = [t.strip() for t in value.split(",") if t.strip()]
        if not names:
            return queryset
        through = queryset.model.tags.through
        owner = f"{queryset.model._meta.model_name}_id"
        return queryset.filter(pk__in=through.objects.filter(
            tag__name__in=[n.lower() for n in names]).values(owner))

    def filter_compliance_tag(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # A subquery instead of a join: no duplicate rows, no DISTINCT over the list.
        if not value:
            return queryset
        through = queryset.model.compliance_tags.through
        owner = f"{queryset.model._meta.model_name}_id"
        return queryset.filter(pk__in=through.objects.filter(
            compliancetag__in=list(value)).values(owner))


class RankedOrderingFilter(django_filters.OrderingFilter):
    """Sorts risk tier and stage by meaning (low → critical, draft → retired), through the
    `risk_rank`/`stage_rank` aliases of `MLModel.objects.with_ranks()`."""

    def filter(self, qs, value):
        wants_rank = any(v.lstrip("-") in ("risk_tier", "stage") for v in value or ())
        if wants_rank and "risk_rank" not in qs.query.annotations and hasattr(qs, "with_ranks"):
            qs = qs.with_ranks()
        return super().filter(qs, value)


class MLModelFilterSet(AssetFilterSet):
    """Search the model catalogue: every filter of the API and dashboards."""

    stage = django_filters.MultipleChoiceFilter(choices=ModelStage.choices, label="Stage")
    risk_tier = django_filters.MultipleChoiceFilter(choices=RiskTier.choices, label="Risk tier")
    origin = django_filters.MultipleChoiceFilter(choices=Origin.choices, label="Origin")
    classification = django_filters.MultipleChoiceFilter(
        choices=AssetClassification.choices, label="Accounting classification")
    purpose_category = django_filters.MultipleChoiceFilter(
        choices=PurposeCategory.choices, label="Purpose category")
    business_impact = django_filters.MultipleChoiceFilter(
        choices=BusinessImpact.choices, label="Business impact")
    redistribution = django_filters.MultipleChoiceFilter(
        choices=Redistribution.choices, label="Redistribution")
    licence = django_filters.CharFilter(lookup_expr="iexact", label="Licence (SPDX)",
                                        help_text="An SPDX identifier or expression, e.g. Apache-2.0.")
    licence_contains = django_filters.CharFilter(field_name="licence", lookup_expr="icontains",
                                                 label="Licence contains")
    supplier = django_filters.CharFilter(lookup_expr="icontains", label="Supplier")
    ever_in_production = django_filters.BooleanFilter(label="Has been in production")
    automated_decisions = django_filters.BooleanFilter(
        label="Decides about people automatically")
    development_cost_min = django_filters.NumberFilter(field_name="development_cost",
                                                       lookup_expr="gte",
                                                       label="Development cost from (EUR)")
    development_cost_max = django_filters.NumberFilter(field_name="development_cost",
                                                       lookup_expr="lte",
                                                       label="Development cost up to (EUR)")
    trained_after = django_filters.DateFilter(field_name="training_date", lookup_expr="gte",
                                              label="Trained on or after")
    trained_before = django_filters.DateFilter(field_name="training_date", lookup_expr="lte",
                                               label="Trained on or before")
    metric = MetricFilter(field_name="evaluation_metrics", label="Performance",
                          help_text=METRIC_HELP)
    ordering = RankedOrderingFilter(fields=(
        *ASSET_ORDERING, ("stage_rank", "stage"), ("risk_rank", "risk_tier"),
        ("origin", "origin"), ("classification", "classification"), ("licence", "licence")),
        label="Sort by")

    class Meta:
        model = MLModel
        fields: list[str] = []


class DatasetFilterSet(AssetFilterSet):
    sensitivity = django_filters.MultipleChoiceFilter(choices=Sensitivity.choices,
                                                      label="Sensitivity")
    storage_mode = django_filters.MultipleChoiceFilter(choices=StorageMode.choices,
                                                       label="Storage")
    residency_region = django_filters.CharFilter(lookup_expr="iexact", label="Residency region")

    class Meta:
        model = Dataset
        fields: list[str] = []


class FeatureFilterSet(AssetFilterSet):
    dataset = django_filters.ModelChoiceFilter(
        queryset=lambda request: _visible(Dataset, request), label="Dataset")
    data_type = django_filters.CharFilter(lookup_expr="iexact", label="Data type")

    class Meta:
        model = Feature
        fields: list[str] = []


class PipelineFilterSet(AssetFilterSet):
    orchestrator = django_filters.CharFilter(lookup_expr="iexact", label="Orchestrator")

    class Meta:
        model = Pipeline
        fields: list[str] = []


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------
class ModelVersionFilterSet(django_filters.FilterSet):
    model = django_filters.ModelChoiceFilter(queryset=lambda request: _visible(MLModel, request),
                                             label="Model")
    model_name = django_filters.CharFilter(field_name="model__name", lookup_expr="iexact",
                                           label="Model name")
    version = django_filters.NumberFilter(label="Version")
    stage = django_filters.MultipleChoiceFilter(choices=ModelStage.choices, label="Stage")
    artifact_sha256 = django_filters.CharFilter(label="Artefact SHA-256")
    code_commit = django_filters.CharFilter(label="Code commit")
    run_id = django_filters.CharFilter(label="Training run (experiment tracker's run id)")
    created_by = django_filters.CharFilter(field_name="created_by__username",
                                           label="Registered by (user name)")
    metric = MetricFilter(field_name="evaluation_metrics", label="Performance",
                          help_text=METRIC_HELP)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte",
                                                     label="Registered after")
    # Branches, aliases, commits reported as signed, the lifecycle board's due dates.
    branch = django_filters.CharFilter(field_name="branch__name", label="Branch")
    alias = django_filters.CharFilter(field_name="aliases__name", label="Alias",
                                      distinct=True)
    code_commit_signed = django_filters.BooleanFilter(
        label="Commit reported as signed by the client")
    revalidation_due_before = django_filters.DateFilter(
        field_name="deprecation_schedule__validation_expires_on", lookup_expr="lte",
        label="Validation expires by")
    deprecation_due_before = django_filters.DateFilter(
        field_name="deprecation_schedule__deprecate_on", lookup_expr="lte",
        label="Deprecation planned by")
    ordering = django_filters.OrderingFilter(fields=(
        ("model__name", "model"), ("version", "version"), ("stage", "stage"),
        ("created_at", "created"), ("training_date", "training_date")), label="Sort by")

    class Meta:
        model = ModelVersion
        fields: list[str] = []


class DatasetVersionFilterSet(django_filters.FilterSet):
    dataset = django_filters.ModelChoiceFilter(
        queryset=lambda request: _visible(Dataset, request), label="Dataset")
    version = django_filters.NumberFilter(label="Version")
    sha256 = django_filters.CharFilter(label="SHA-256")
    uri = django_filters.CharFilter(method="filter_uri", label="Location contains")
    ordering = django_filters.OrderingFilter(fields=(
        ("dataset__name", "dataset"), ("version", "version"), ("created_at", "created")),
        label="Sort by")

    class Meta:
        model = DatasetVersion
        fields: list[str] = []

    def filter_uri(self, queryset, name: str, value: str):
        """Matching on a hidden location would reveal it: only visible locations match."""
        user = getattr(self.request, "user", None)
        return queryset.filter(Dataset.details_visible_q(user, "dataset__"), uri__icontains=value)


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


class SavedSearchFilterSet(django_filters.FilterSet):
    # `page` is the paginator's parameter, so the saved page's route is filtered as `list_page`.
    list_page = django_filters.CharFilter(field_name="page", label="List page (route name)")

    class Meta:
        model = SavedSearch
        fields = ["list_page"]
