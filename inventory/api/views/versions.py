"""API views of model and dataset versions; stage changes go through the versions service's
state machine.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from core.api.errors import Conflict, django_validation_error_to_dict
from core.api.filtering import StrictFilterBackend
from core.api.viewsets import GovernedViewSet
from core.choices import AccessAction
from core.services.audit import access_event_record
from inventory.api.serializers.versions import (
    DatasetVersionSerializer,
    ModelVersionSerializer,
    TransitionSerializer,
)
from inventory.api.views.catalogue import CSVExportMixin, with_details_visible
from inventory.filters import DatasetVersionFilterSet, ModelVersionFilterSet
from inventory.models import FROZEN_STAGES, DatasetVersion, ModelVersion
from inventory.services import versions


# --------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------
class ModelVersionViewSet(CSVExportMixin, GovernedViewSet):
    """Versions of registered models, numbered 1, 2, 3... per model."""

    permission_action: str | None = None  # set per extra action (CustodiaPermission)

    queryset = ModelVersion.objects.all()
    serializer_class = ModelVersionSerializer
    filterset_class = ModelVersionFilterSet
    filter_backends = [StrictFilterBackend]  # sorting: the filterset's `ordering`
    csv_columns = [
        ("id", lambda v: v.pk), ("model", lambda v: v.model.name), ("version", lambda v: v.version),
        ("stage", lambda v: v.stage), ("artifact_uri", lambda v: v.artifact_uri),
        ("artifact_sha256", lambda v: v.artifact_sha256),
        ("training_date", lambda v: v.training_date or ""),
        ("evaluation_metrics", lambda v: json.dumps(v.evaluation_metrics or {})),
        ("created_by", lambda v: v.created_by.get_username() if v.created_by_id else ""),
        ("created_at", lambda v: v.created_at.isoformat()),
    ]

    def create_object(self, data: dict, *, reason: str):
        model = data.pop("model")
        return versions.model_version_register(model=model, actor=self.request.user,
                                                reason=reason, data=_version_data(data))

    def update_object(self, instance, data: dict, *, reason: str):
        if instance.stage in FROZEN_STAGES:
            # Valid request, refused by the record's state: 409.
            raise Conflict(f"{instance} has reached {instance.get_stage_display().lower()} and "
                           "is frozen: no field, artefact, checksum or dataset link can change. "
                           "Register a new version instead.")
        return versions.model_version_update(version=instance, actor=self.request.user,
                                              reason=reason, data=_version_data(data))

    @action(detail=True, methods=["post"], url_path="transition",
            serializer_class=TransitionSerializer, permission_action="view")
    def transition(self, request, pk=None):
        """Move the version to another lifecycle stage (the versions state machine decides:
        illegal moves, missing permissions and refusing promotion gates are a 400)."""
        version = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["change_reason"]
        try:
            version = versions.model_version_transition(
                version=version, to_stage=body.validated_data["to_stage"], actor=request.user,
                reason=reason)
        except ValidationError as error:
            raise DRFValidationError(django_validation_error_to_dict(error)) from error
        version = self.get_queryset().get(pk=version.pk)
        return Response(ModelVersionSerializer(
            version, context={"request": request}).data)

    def delete_object(self, instance, *, reason: str) -> None:
        try:
            versions.model_version_delete(version=instance, actor=self.request.user,
                                           reason=reason)
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from error


def _version_data(data: dict) -> dict:
    """Serializer shapes → service arguments: dataset links by id and role."""
    links = data.pop("dataset_links", None)
    if links is not None:
        data["datasets"] = [{"dataset_version": link["dataset_version_id"],
                             "role": link["role"]} for link in links]
    return data


class DatasetVersionViewSet(GovernedViewSet):
    """Versions of datasets: where the bytes are and their checksum."""

    queryset = DatasetVersion.objects.all()
    serializer_class = DatasetVersionSerializer
    filterset_class = DatasetVersionFilterSet
    filter_backends = [StrictFilterBackend]  # sorting: the filterset's `ordering`
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return with_details_visible(queryset, self.request.user)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.dataset.confidential or instance.dataset.is_sensitive:
            access_event_record(request=request, action=AccessAction.VIEW, obj=instance)
        return Response(self.get_serializer(instance).data)

    def create_object(self, data: dict, *, reason: str):
        dataset = data.pop("dataset")
        return versions.dataset_version_register(dataset=dataset, actor=self.request.user,
                                                  reason=reason, data=data)

    def update_object(self, instance, data: dict, *, reason: str):
        return versions.dataset_version_update(version=instance, actor=self.request.user,
                                               reason=reason, data=data)
