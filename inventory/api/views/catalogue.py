"""API views of the catalogue: models, datasets, features, pipelines, teams, compliance tags
and saved searches.

Viewsets are thin: the restricted `for_list()` queryset, the shared filtersets of
`inventory.filters`, and writes handed to `inventory.services.catalogue` by the
`create_object`/`update_object`/`delete_object` hooks of `GovernedViewSet`.
Each list also answers `?format=csv` (or `<resource>.csv`) with the same filters and
restrictions, recorded as an export in the access log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.errors import Conflict
from core.api.filtering import StrictFilterBackend
from core.api.viewsets import GovernedViewSet
from core.audit import audit_context
from core.choices import AccessAction
from core.exports import csv_safe, streaming_csv_writer
from core.services.audit import access_event_record
from inventory.api.serializers.catalogue import (
    ComplianceTagSerializer,
    ComplianceTagsSerializer,
    DatasetSerializer,
    FeatureSerializer,
    MLModelSerializer,
    PipelineSerializer,
    ReasonSerializer,
    RiskTierSerializer,
    SavedSearchSerializer,
    TeamSerializer,
)
from inventory.api.serializers.versions import PointInTimeSerializer
from inventory.choices import Redistribution
from inventory.filters import (
    DatasetFilterSet,
    FeatureFilterSet,
    MLModelFilterSet,
    PipelineFilterSet,
    SavedSearchFilterSet,
)
from inventory.models import (
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Feature,
    MLModel,
    Pipeline,
    SavedSearch,
    Team,
)
from inventory.selectors.catalogue import mlmodel_licence_constraints
from inventory.selectors.versions import mlmodel_as_of
from inventory.services import catalogue


# --------------------------------------------------------------------------------------
# CSV export
# --------------------------------------------------------------------------------------
class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` and `.csv` through content negotiation; the export itself is
    streamed by `CSVExportMixin`, so this only renders errors (as JSON text)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data, default=str).encode()


def _names(related) -> str:
    return ", ".join(sorted(item.name for item in related.all()))


NOT_A_SEARCH = {"page", "page_size", "ordering", "format"}


class CSVExportMixin:
    """`GET <list>?format=csv`: every row the filters and restrictions leave, as CSV."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_columns: list[tuple[str, Callable]] = []

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return self.export_csv(request)
        response = super().list(request, *args, **kwargs)
        if set(request.query_params) - NOT_A_SEARCH and response.status_code == 200:
            # A filtered list is a search, logged like the dashboards' (access anomalies).
            access_event_record(request=request, action=AccessAction.SEARCH,
                                query=request.GET.urlencode(),
                                result_count=response.data.get("count"))
        return response

    def export_csv(self, request):
        from django.http import StreamingHttpResponse

        queryset = self.filter_queryset(self.get_queryset())
        access_event_record(request=request, action=AccessAction.EXPORT,
                            query=request.GET.urlencode(), result_count=queryset.count())

        writer = streaming_csv_writer()
        columns = self.csv_columns

        def rows() -> Iterator[str]:
            yield writer.writerow([label for label, _ in columns])
            for obj in queryset.iterator(chunk_size=500):
                yield writer.writerow([csv_safe(get(obj)) for _, get in columns])

        name = queryset.model._meta.model_name
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response


ASSET_COLUMNS: list[tuple[str, Callable]] = [
    ("id", lambda o: o.pk),
    ("name", lambda o: o.name),
    ("domain", lambda o: o.domain),
    ("team", lambda o: o.team.name if o.team_id else ""),
    ("owner", lambda o: o.owner.get_username() if o.owner_id else ""),
    ("steward", lambda o: o.steward.get_username() if o.steward_id else ""),
    ("confidential", lambda o: "yes" if o.confidential else "no"),
    ("tags", lambda o: _names(o.tags)),
    ("compliance_tags", lambda o: _names(o.compliance_tags)),
    ("purpose", lambda o: o.purpose),
]


# --------------------------------------------------------------------------------------
# Catalogue assets
# --------------------------------------------------------------------------------------
class AssetViewSet(CSVExportMixin, GovernedViewSet):
    """Register, change and delete catalogue assets through the catalogue services.

    Sorting is the filterset's `ordering` (the same names as the dashboards: `name`,
    `team`, `owner`, `risk_tier`, `-updated`...), so DRF's own ordering backend, which
    knows no such aliases, is left out.
    """

    filter_backends = [StrictFilterBackend]
    csv_columns = ASSET_COLUMNS

    def create_object(self, data: dict, *, reason: str):
        return catalogue.asset_create(model_class=self.queryset.model, actor=self.request.user,
                                      reason=reason, data=data)

    def update_object(self, instance, data: dict, *, reason: str):
        return catalogue.asset_update(asset=instance, actor=self.request.user, reason=reason,
                                      data=data)

    def delete_object(self, instance, *, reason: str) -> None:
        try:
            catalogue.asset_delete(asset=instance, actor=self.request.user, reason=reason)
        except ValidationError as error:
            # Valid request, refused by the record's state (e.g. ever in production): 409.
            raise Conflict(" ".join(error.messages)) from error


class MLModelViewSet(AssetViewSet):
    """Registered models: metadata, ownership, origin and licence, risk tier, classification."""

    queryset = MLModel.objects.all()
    serializer_class = MLModelSerializer
    filterset_class = MLModelFilterSet
    permission_action: str | None = None  # set per extra action (CustodiaPermission)
    csv_columns = [*ASSET_COLUMNS[:7], ("stage", lambda o: o.stage),
                   ("risk_tier", lambda o: o.risk_tier), ("origin", lambda o: o.origin),
                   ("supplier", lambda o: o.supplier), ("licence", lambda o: o.licence),
                   ("redistribution", lambda o: o.redistribution),
                   ("classification", lambda o: o.classification),
                   ("ever_in_production", lambda o: "yes" if o.ever_in_production else "no"),
                   ("evaluation_metrics", lambda o: json.dumps(o.evaluation_metrics or {})),
                   *ASSET_COLUMNS[7:]]

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.confidential:
            access_event_record(request=request, action=AccessAction.VIEW, obj=instance)
        return Response(self.get_serializer(instance).data)

    @action(detail=True, methods=["post"], url_path="risk-tier",
            serializer_class=RiskTierSerializer,
            permission_action="set_risk_tier_mlmodel")
    def risk_tier(self, request, pk=None):
        """Set the risk tier (risk officers), re-checking the tier's metadata standard."""
        model = self.get_object()
        body = RiskTierSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("change_reason") or "Risk tier set through the API"
        with transaction.atomic(), audit_context(user=request.user, reason=reason):
            model = catalogue.mlmodel_risk_tier_set(
                model=model, actor=request.user, reason=reason,
                risk_tier=body.validated_data["risk_tier"])
        return Response(MLModelSerializer(model, context={"request": request}).data)

    @action(detail=True, methods=["post"], url_path="compliance-tags",
            serializer_class=ComplianceTagsSerializer,
            permission_action="set_compliance_tags_mlmodel")
    def compliance_tags(self, request, pk=None):
        """Replace the compliance tags (compliance officers)."""
        model = self.get_object()
        body = ComplianceTagsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("change_reason") or "Compliance tags set through the API"
        with transaction.atomic(), audit_context(user=request.user, reason=reason):
            model = catalogue.mlmodel_compliance_tags_set(
                model=model, actor=request.user, reason=reason,
                compliance_tags=body.validated_data["compliance_tags"])
        return Response(MLModelSerializer(model, context={"request": request}).data)

    @extend_schema(parameters=[OpenApiParameter(
        "at", OpenApiTypes.DATETIME, required=True,
        description="The moment, e.g. 2026-03-01T00:00:00Z (a date means its midnight UTC).")],
        responses=PointInTimeSerializer)
    @action(detail=True, methods=["get"], url_path="as-of", filter_backends=[],
            serializer_class=PointInTimeSerializer)
    def as_of(self, request, pk=None):
        """Point in time: `?at=2026-03-01T00:00:00Z` (or a date) → where each alias pointed
        and which stage each version was in at that moment, with who made that change and
        why, read from the alias move log and the versions' history."""
        model = self.get_object()
        at = _parse_moment(request.query_params.get("at", ""))
        result = mlmodel_as_of(model=model, at=at)
        return Response(PointInTimeSerializer(result).data)

    @action(detail=False, methods=["get"], url_path="licence-constraints")
    def licence_constraints(self, request):
        """Production models whose licence forbids redistribution (`?redistribution=
        prohibited`) or allows it only under conditions (default: both); the usual
        filters apply on top."""
        wanted = request.query_params.getlist("redistribution") or [
            Redistribution.PROHIBITED, Redistribution.CONDITIONS]
        queryset = mlmodel_licence_constraints(
            queryset=self.filter_queryset(self.get_queryset()), redistribution=tuple(wanted))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @action(detail=True, methods=["post"], url_path="reclassify",
            serializer_class=ReasonSerializer, permission_action="change")
    def reclassify(self, request, pk=None):
        """Re-apply the accounting policy to this model."""
        model = self.get_object()
        reason = request.data.get("change_reason") or "Reclassified through the API"
        with transaction.atomic(), audit_context(user=request.user, reason=reason):
            model = catalogue.mlmodel_reclassify(model=model, actor=request.user, reason=reason)
        return Response(MLModelSerializer(model, context={"request": request}).data)


def _parse_moment(raw: str):
    """An ISO 8601 date-time (or a date, meaning its midnight UTC), for `?at=`."""
    import datetime

    from django.utils.dateparse import parse_date, parse_datetime

    moment = None
    try:
        moment = parse_datetime(raw) if "T" in raw or " " in raw else None
        if moment is None and raw:
            day = parse_date(raw)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise DRFValidationError({"at": ["Give the moment as an ISO 8601 date-time, e.g. "
                                         "2026-03-01T00:00:00Z, or a date (2026-03-01)."]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def with_details_visible(queryset, user):
    """Annotate `details_visible`: may `user` see the location and datasheet."""
    from django.db.models import BooleanField, Case, Value, When

    prefix = "" if queryset.model is Dataset else "dataset__"
    return queryset.annotate(details_visible=Case(
        When(Dataset.details_visible_q(user, prefix), then=Value(True)),
        default=Value(False), output_field=BooleanField()))


class DatasetViewSet(AssetViewSet):
    """Datasets: ownership, sensitivity, storage and residency (versions under dataset-versions).

    A PII, PHI or financial dataset's datasheet is shown only to holders of
    `view_sensitive_dataset`; every read of such a dataset is an access event."""

    queryset = Dataset.objects.all()
    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
    csv_columns = [*ASSET_COLUMNS, ("sensitivity", lambda o: o.sensitivity),
                   ("residency_region", lambda o: o.residency_region)]

    def get_queryset(self):
        from django.db.models import OuterRef, Subquery

        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        latest = DatasetVersion.objects.filter(dataset=OuterRef("pk")).order_by("-version")
        return with_details_visible(queryset, self.request.user).annotate(
            latest_size=Subquery(latest.values("size")[:1]))

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.confidential or instance.is_sensitive:
            access_event_record(request=request, action=AccessAction.VIEW, obj=instance)
        return Response(self.get_serializer(instance).data)


class FeatureViewSet(AssetViewSet):
    """Features served to models."""

    queryset = Feature.objects.all()
    serializer_class = FeatureSerializer
    filterset_class = FeatureFilterSet
    csv_columns = [*ASSET_COLUMNS, ("data_type", lambda o: o.data_type),
                   ("dataset", lambda o: o.dataset.name
                    if o.dataset_id and getattr(o, "dataset_visible", False) else "")]

    def get_queryset(self):
        # A feature may come from another team's confidential dataset: say which dataset
        # only to those who may see it (one EXISTS per row in SQL, no query per row).
        from django.db.models import Exists, OuterRef

        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        visible = Dataset.objects.restrict(self.request.user, "view").filter(
            pk=OuterRef("dataset_id"))
        return queryset.annotate(dataset_visible=Exists(visible))


class PipelineViewSet(AssetViewSet):
    """Training and inference pipelines."""

    queryset = Pipeline.objects.all()
    serializer_class = PipelineSerializer
    filterset_class = PipelineFilterSet
    csv_columns = [*ASSET_COLUMNS, ("repository_url", lambda o: o.repository_url),
                   ("orchestrator", lambda o: o.orchestrator)]


# --------------------------------------------------------------------------------------
# Vocabularies and per-user records
# --------------------------------------------------------------------------------------
class TeamViewSet(GovernedViewSet):
    """Teams and business units that own assets."""

    queryset = Team.objects.prefetch_related("members")
    serializer_class = TeamSerializer
    ordering_fields = ["name", "business_unit"]
    filterset_fields = ["slug", "business_unit"]


class ComplianceTagViewSet(GovernedViewSet):
    """The controlled list of compliance tags."""

    queryset = ComplianceTag.objects.all()
    serializer_class = ComplianceTagSerializer
    ordering_fields = ["name"]
    filterset_fields = ["name"]


class SavedSearchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """The signed-in user's own saved searches (nobody sees another's)."""

    queryset = SavedSearch.objects.all()
    serializer_class = SavedSearchSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = SavedSearchFilterSet
    ordering_fields = ["page", "name", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        search = catalogue.saved_search_create(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(search).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance) -> None:
        catalogue.saved_search_delete(search=instance, user=self.request.user)
