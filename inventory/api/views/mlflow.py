"""The MLflow Model Registry REST API (`/api/2.0/mlflow/...` and `/ajax-api/2.0/mlflow/...`)
over the inventory itself, so `mlflow.MlflowClient` pointed at Custodia registers, reads and
promotes models unchanged.

Every read goes through the restricted querysets and every write through the inventory's
services (`inventory.services.mlflow` translates); this module only checks the door's
permissions (as `core.api.permissions.CustodiaPermission` does for `/api/v1/`), reads
MLflow's request fields and answers in MLflow's shapes. Errors take MLflow's shape
`{"error_code": ..., "message": ...}` with the HTTP statuses MLflow uses.

Authentication: a Custodia API token as `Authorization: Bearer` (`MLFLOW_TRACKING_TOKEN`),
HTTP basic (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`, with the sign-in cool-down), or the
browser session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError, QuerySet, RestrictedError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import BearerOrTokenAuthentication, ThrottledBasicAuthentication
from core.choices import AccessAction
from core.exceptions import ConflictError, conflict_from_protected
from core.permissions import user_can
from core.services.audit import access_event_record
from inventory.api.serializers.mlflow import (
    latest_versions,
    model_version_json,
    registered_model_json,
)
from inventory.models import MLModel, ModelAlias, ModelVersion
from inventory.selectors import mlflow as selectors
from inventory.services import catalogue, versions
from inventory.services import mlflow as door
from inventory.services.mlflow import MODEL_TAG_FIELDS, TAG_PREFIX, VERSION_TAG_FIELDS

# MLflow's default and largest page sizes per search; a page is never larger than
# CUSTODIA_API_MAX_PAGE_SIZE (the rest follows with a page token).
_MODEL_PAGE = (100, 1000)
_VERSION_PAGE = (10_000, 200_000)

# Service field names shown as the MLflow request field or tag that set them.
_FIELD_LABELS = {"artifact_uri": "source", "labels": "tags", "to_stage": "stage"}


class MlflowError(Exception):
    """An MLflow error answer: `error_code` and the HTTP status MLflow gives it."""

    STATUS = {"RESOURCE_ALREADY_EXISTS": 400, "INVALID_PARAMETER_VALUE": 400,
              "RESOURCE_DOES_NOT_EXIST": 404, "PERMISSION_DENIED": 403,
              "UNAUTHENTICATED": 401, "ENDPOINT_NOT_FOUND": 404, "BAD_REQUEST": 400}

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _field_label(field: str) -> str:
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    if field in MODEL_TAG_FIELDS or field in VERSION_TAG_FIELDS or field == "datasets":
        return f"tag {TAG_PREFIX}{field}"
    return field


def validation_message(error: ValidationError) -> str:
    """A service's field errors as one line the MLflow client prints."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if field in ("__all__", "non_field_errors")
                     else f"{_field_label(field)}: {text}")
    return "; ".join(parts)


def _answer(code: str, message: str, status: int | None = None) -> Response:
    return Response({"error_code": code, "message": message},
                    status=status or MlflowError.STATUS[code])


@extend_schema(exclude=True)  # MLflow's protocol is documented by MLflow, not in our OpenAPI
class MlflowRegistryView(APIView):
    """One MLflow registry endpoint: `operation` from the URL, handler by HTTP method."""

    authentication_classes = [BearerOrTokenAuthentication, ThrottledBasicAuthentication,
                              SessionAuthentication]
    permission_classes = [IsAuthenticated]

    # (operation, method) → handler name
    ROUTES: dict[tuple[str, str], str] = {
        ("registered-models/create", "POST"): "model_create",
        ("registered-models/rename", "POST"): "model_rename",
        ("registered-models/update", "PATCH"): "model_update",
        ("registered-models/delete", "DELETE"): "model_delete",
        ("registered-models/get", "GET"): "model_get",
        ("registered-models/search", "GET"): "model_search",
        ("registered-models/get-latest-versions", "GET"): "latest_versions",
        ("registered-models/get-latest-versions", "POST"): "latest_versions",
        ("registered-models/set-tag", "POST"): "model_tag_set",
        ("registered-models/delete-tag", "DELETE"): "model_tag_delete",
        ("registered-models/alias", "POST"): "alias_set",
        ("registered-models/alias", "DELETE"): "alias_delete",
        ("registered-models/alias", "GET"): "alias_get",
        ("model-versions/create", "POST"): "version_create",
        ("model-versions/update", "PATCH"): "version_update",
        ("model-versions/delete", "DELETE"): "version_delete",
        ("model-versions/get", "GET"): "version_get",
        ("model-versions/search", "GET"): "version_search",
        ("model-versions/get-download-uri", "GET"): "download_uri",
        ("model-versions/set-tag", "POST"): "version_tag_set",
        ("model-versions/delete-tag", "DELETE"): "version_tag_delete",
        ("model-versions/transition-stage", "POST"): "transition",
    }

    # ----------------------------------------------------------------------------------
    # Dispatch and errors
    # ----------------------------------------------------------------------------------
    def _route(self, request, operation: str = "") -> Response:
        handler = self.ROUTES.get((operation, request.method))
        if handler is None:
            if any(op == operation for op, _ in self.ROUTES):
                raise exceptions.MethodNotAllowed(request.method)
            raise MlflowError("ENDPOINT_NOT_FOUND",
                              f"No MLflow registry endpoint {request.path}.")
        return Response(getattr(self, handler)(request))

    get = post = patch = delete = _route

    def handle_exception(self, exc) -> Response:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = _answer("UNAUTHENTICATED", str(exc.detail))
            header = self.get_authenticate_header(self.request)
            if header:
                response["WWW-Authenticate"] = header
            return response
        if isinstance(exc, MlflowError):
            return _answer(exc.code, exc.message)
        if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
            return _answer("PERMISSION_DENIED", str(getattr(exc, "detail", "") or exc)
                           or "You may not do this.")
        if isinstance(exc, ValidationError):
            return _answer("INVALID_PARAMETER_VALUE", validation_message(exc))
        if isinstance(exc, ConflictError):
            return _answer("INVALID_PARAMETER_VALUE", exc.message)
        if isinstance(exc, ProtectedError | RestrictedError):
            return _answer("INVALID_PARAMETER_VALUE", conflict_from_protected(exc).message)
        if isinstance(exc, exceptions.MethodNotAllowed):
            return _answer("BAD_REQUEST", str(exc.detail), status=405)
        if isinstance(exc, exceptions.ParseError):
            return _answer("INVALID_PARAMETER_VALUE", str(exc.detail))
        return super().handle_exception(exc)

    # ----------------------------------------------------------------------------------
    # Request fields
    # ----------------------------------------------------------------------------------
    def _source(self, request):
        if request.method == "GET":
            return request.query_params
        return request.data if hasattr(request.data, "get") else {}

    def param(self, request, name: str, *, required: bool = True, default: Any = "") -> Any:
        """One request field as text (`default` when absent)."""
        value = self._source(request).get(name)
        if value in (None, "") and required:
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"Missing value for required parameter '{name}'.")
        if isinstance(value, dict | list):
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"Parameter '{name}' takes a single value.")
        return default if value is None else str(value)

    def param_list(self, request, name: str) -> list[str]:
        if request.method == "GET":
            return request.query_params.getlist(name)
        value = self._source(request).get(name) or []
        return value if isinstance(value, list) else [value]

    def tags(self, request) -> dict[str, str]:
        items = self._source(request).get("tags") or []
        if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("key")
                                                  for i in items):
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              "tags are a list of {\"key\": ..., \"value\": ...}.")
        return {str(item["key"]): str(item.get("value") or "") for item in items}

    # ----------------------------------------------------------------------------------
    # Records and permissions
    # ----------------------------------------------------------------------------------
    def require(self, action: str, obj=None, model=None) -> None:
        if not user_can(self.request.user, action, obj, model=model):
            what = obj if obj is not None else model._meta.verbose_name_plural
            raise MlflowError("PERMISSION_DENIED",
                              f"{self.request.user.get_username()} may not {action} {what}.")

    def model(self, request, action: str = "view", *, field: str = "name") -> MLModel:
        name = self.param(request, field)
        model = selectors.visible_models(request.user).filter(name=name).first()
        if model is None:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST",
                              f"Registered Model with name={name} not found")
        if action != "view":
            self.require(action, model)
        return model

    def version(self, request, action: str = "view") -> ModelVersion:
        name, number = self.param(request, "name"), self.param(request, "version")
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"Model version must be an integer, not '{number}'.") from None
        version = selectors.visible_versions(request.user).filter(
            model__name=name, version=number).first()
        if version is None:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST",
                              f"Model Version (name={name}, version={number}) not found")
        if action != "view":
            self.require(action, version)
        return version

    def refuse_taken_name(self, name: str) -> None:
        if MLModel.objects.filter(name__iexact=(name or "").strip()).exists():
            raise MlflowError("RESOURCE_ALREADY_EXISTS",
                              f"Registered Model (name={name}) already exists.")

    def reread_model(self, model: MLModel) -> dict:
        return registered_model_json(selectors.visible_models(self.request.user).get(pk=model.pk))

    def reread_version(self, version: ModelVersion) -> dict:
        return model_version_json(
            selectors.visible_versions(self.request.user).get(pk=version.pk))

    # ----------------------------------------------------------------------------------
    # Registered models
    # ----------------------------------------------------------------------------------
    def model_create(self, request) -> dict:
        name = self.param(request, "name")
        self.require("add", model=MLModel)
        self.refuse_taken_name(name)
        model = door.mlflow_model_create(actor=request.user, name=name,
                                         description=self.param(request, "description",
                                                                required=False),
                                         tags=self.tags(request))
        return {"registered_model": self.reread_model(model)}

    def model_rename(self, request) -> dict:
        model = self.model(request, "change")
        new_name = self.param(request, "new_name")
        if new_name.strip().lower() != model.name.lower():
            self.refuse_taken_name(new_name)
        model = door.mlflow_model_rename(model=model, new_name=new_name, actor=request.user)
        return {"registered_model": self.reread_model(model)}

    def model_update(self, request) -> dict:
        model = self.model(request, "change")
        description = self.param(request, "description", required=False, default=None)
        if description is not None:
            model = catalogue.mlmodel_update(
                model=model, actor=request.user, data={"description": description},
                reason="Description changed (MLflow registry API)")
        return {"registered_model": self.reread_model(model)}

    def model_delete(self, request) -> dict:
        model = self.model(request, "delete")
        catalogue.mlmodel_delete(model=model, actor=request.user,
                                 reason="Deleted (MLflow registry API)")
        return {}

    def model_get(self, request) -> dict:
        return {"registered_model": registered_model_json(self.model(request))}

    def model_search(self, request) -> dict:
        filter_text = self.param(request, "filter", required=False)
        queryset = selectors.filter_registered_models(
            selectors.visible_models(request.user), filter_text)
        queryset = selectors.order_registered_models(queryset, self.param_list(request,
                                                                               "order_by"))
        rows, token = self.page(request, queryset, _MODEL_PAGE)
        access_event_record(request=request, action=AccessAction.SEARCH,
                            query=f"mlflow registered models: {filter_text}",
                            result_count=len(rows))
        return {"registered_models": [registered_model_json(m) for m in rows],
                **({"next_page_token": token} if token else {})}

    def latest_versions(self, request) -> dict:
        model = self.model(request)
        stages = self.param_list(request, "stages")
        unknown = [s for s in stages if s.lower() not in {m.lower() for m in door.MLFLOW_STAGES}]
        if unknown:
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"Unknown stage(s) {', '.join(unknown)}; use "
                              + ", ".join(door.MLFLOW_STAGES) + ".")
        return {"model_versions": [model_version_json(v) for v in latest_versions(model, stages)]}

    def model_tag_set(self, request) -> dict:
        model = self.model(request, "change")
        door.mlflow_model_tag_set(model=model, key=self.param(request, "key"),
                                  value=str(self.param(request, "value", required=False)),
                                  actor=request.user)
        return {}

    def model_tag_delete(self, request) -> dict:
        model = self.model(request, "change")
        door.mlflow_model_tag_delete(model=model, key=self.param(request, "key"),
                                     actor=request.user)
        return {}

    # ----------------------------------------------------------------------------------
    # Aliases
    # ----------------------------------------------------------------------------------
    def alias_set(self, request) -> dict:
        model = self.model(request)
        name = self.param(request, "alias")
        version = self.version_of(model, self.param(request, "version"))
        current = ModelAlias.objects.filter(model=model, name=name).first()
        if current is None:
            self.require("add", model=ModelAlias)
        else:
            self.require("change", current)
        door.mlflow_alias_set(model=model, alias=name, version=version, actor=request.user)
        return {}

    def alias_delete(self, request) -> dict:
        alias = self.alias(request)
        self.require("delete", alias)
        door.mlflow_alias_delete(alias=alias, actor=request.user)
        return {}

    def alias_get(self, request) -> dict:
        alias = self.alias(request)
        version = selectors.visible_versions(request.user).get(pk=alias.version_id)
        return {"model_version": model_version_json(version)}

    def alias(self, request) -> ModelAlias:
        model = self.model(request)
        name = self.param(request, "alias")
        alias = ModelAlias.objects.filter(model=model, name=name).first()
        if alias is None:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST",
                              f"Registered model alias {name} not found.")
        return alias

    def version_of(self, model: MLModel, number: Any) -> ModelVersion:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"Model version must be an integer, not '{number}'.") from None
        version = selectors.visible_versions(self.request.user).filter(
            model=model, version=number).first()
        if version is None:
            raise MlflowError("RESOURCE_DOES_NOT_EXIST",
                              f"Model Version (name={model.name}, version={number}) not found")
        return version

    # ----------------------------------------------------------------------------------
    # Versions
    # ----------------------------------------------------------------------------------
    def version_create(self, request) -> dict:
        model = self.model(request)
        self.require("add", model=ModelVersion)
        self.require("change", model)
        version = door.mlflow_version_create(
            model=model, actor=request.user, source=self.param(request, "source"),
            run_id=self.param(request, "run_id", required=False),
            run_link=self.param(request, "run_link", required=False),
            description=self.param(request, "description", required=False),
            tags=self.tags(request))
        return {"model_version": self.reread_version(version)}

    def version_update(self, request) -> dict:
        version = self.version(request, "change")
        description = self.param(request, "description", required=False, default=None)
        if description is not None:
            version = versions.model_version_update(
                version=version, actor=request.user, data={"description": description},
                reason="Description changed (MLflow registry API)")
        return {"model_version": self.reread_version(version)}

    def version_delete(self, request) -> dict:
        version = self.version(request, "delete")
        versions.model_version_delete(version=version, actor=request.user,
                                      reason="Deleted (MLflow registry API)")
        return {}

    def version_get(self, request) -> dict:
        return {"model_version": model_version_json(self.version(request))}

    def version_search(self, request) -> dict:
        filter_text = self.param(request, "filter", required=False)
        queryset = selectors.filter_model_versions(
            selectors.visible_versions(request.user), filter_text)
        queryset = selectors.order_model_versions(queryset, self.param_list(request, "order_by"))
        rows, token = self.page(request, queryset, _VERSION_PAGE)
        access_event_record(request=request, action=AccessAction.SEARCH,
                            query=f"mlflow model versions: {filter_text}",
                            result_count=len(rows))
        return {"model_versions": [model_version_json(v) for v in rows],
                **({"next_page_token": token} if token else {})}

    def download_uri(self, request) -> dict:
        version = self.version(request)
        access_event_record(request=request, action=AccessAction.DOWNLOAD, obj=version)
        return {"artifact_uri": version.artifact_uri}

    def version_tag_set(self, request) -> dict:
        version = self.version(request, "change")
        door.mlflow_version_tag_set(version=version, key=self.param(request, "key"),
                                    value=str(self.param(request, "value", required=False)),
                                    actor=request.user)
        return {}

    def version_tag_delete(self, request) -> dict:
        version = self.version(request, "change")
        door.mlflow_version_tag_delete(version=version, key=self.param(request, "key"),
                                       actor=request.user)
        return {}

    def transition(self, request) -> dict:
        version = self.version(request)
        archive = self.param(request, "archive_existing_versions", required=False,
                             default=False)
        version = door.mlflow_stage_transition(
            version=version, stage=self.param(request, "stage"), actor=request.user,
            archive_existing=str(archive).lower() in ("true", "1"))
        return {"model_version": self.reread_version(version)}

    # ----------------------------------------------------------------------------------
    # Paging
    # ----------------------------------------------------------------------------------
    def page(self, request, queryset: QuerySet, limits: tuple[int, int]) -> tuple[list, str]:
        """One page of `queryset` from the page token, and the next page's token ("" at
        the end)."""
        default, largest = limits
        raw = self.param(request, "max_results", required=False, default=default)
        try:
            wanted = int(raw)
        except (TypeError, ValueError):
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"max_results must be a whole number, not '{raw}'.") from None
        if not 1 <= wanted <= largest:
            raise MlflowError("INVALID_PARAMETER_VALUE",
                              f"max_results must be between 1 and {largest}, not {wanted}.")
        size = min(wanted, settings.CUSTODIA_API_MAX_PAGE_SIZE)
        offset = selectors.decode_page_token(self.param(request, "page_token",
                                                        required=False))
        rows = list(queryset[offset:offset + size + 1])
        token = selectors.encode_page_token(offset + size) if len(rows) > size else ""
        return rows[:size], token

