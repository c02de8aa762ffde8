"""Shared dashboard machinery (generic list/detail views, CSV export), home, health, errors."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from core.choices import AccessAction
from core.exports import csv_safe, streaming_csv_writer
from core.menu import alerts_for, counters_for
from core.permissions import restrict_queryset, user_can, user_has_any_permission
from core.services.audit import access_event_record
from core.tables import Column

logger = logging.getLogger(__name__)

PAGE_SIZES = (25, 50, 100, 250)
# Query-string keys that belong to the list machinery, not to the filter form.
LIST_PARAMETERS = {"page", "per_page", "sort", "export"}


class RestrictedViewMixin(LoginRequiredMixin):
    """Signed-in users only; rows restricted by `restrict(user, action)`; 403 without the
    model permission, 404 for a row the user may not see."""

    model = None
    permission_action = "view"

    def restricted_queryset(self):
        queryset = self.model._default_manager.all()
        restrict = getattr(queryset, "restrict", None)
        if restrict is not None:
            queryset = restrict(self.request.user, self.permission_action)
        else:
            queryset = restrict_queryset(queryset, self.request.user, self.permission_action)
        return queryset

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_any_permission(
            request.user, self.permission_action, self.model
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InvalidFieldsMarkedMixin:
    """A refused form page marks each invalid field for screen readers and styles, and says
    at the top that nothing was saved."""

    def form_invalid(self, form):
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
        messages.error(self.request, "Nothing was saved: correct the fields marked below.")
        return super().form_invalid(form)


class ObjectListView(RestrictedViewMixin, TemplateView):
    """A filterable, sortable, paginated table with CSV export of exactly what is filtered."""

    template_name = "generic/object_list.html"
    filterset_class = None
    columns: list[Column] = []
    default_sort = ""
    title = ""
    description = ""
    empty_message = "Nothing here yet."
    add_url_name = ""  # route of the "add" page, shown to users who may add

    def get_queryset(self):
        queryset = self.restricted_queryset()
        for_list = getattr(queryset, "for_list", None)
        return for_list() if for_list else queryset

    def filtered(self):
        # A QueryDict, not a plain dict: multiple-choice filters read lists from it, so
        # `?status=failed` (one value) filters instead of being refused as "not a list".
        data = self.request.GET.copy()
        for key in LIST_PARAMETERS:
            data.pop(key, None)
        filterset = self.filterset_class(data or None, queryset=self.get_queryset(),
                                         request=self.request) if self.filterset_class else None
        if filterset is not None:
            _style_filter_form(filterset.form)
        queryset = filterset.qs if filterset is not None and filterset.is_valid() else (
            self.get_queryset() if filterset is None or not data else self.get_queryset().none())
        return filterset, self.sorted(queryset)

    def sort_key(self) -> str:
        requested = self.request.GET.get("sort", "")
        allowed = {c.sort for c in self.columns if c.sort}
        if requested.lstrip("-") in allowed:
            return requested
        return self.default_sort

    def sorted(self, queryset):
        key = self.sort_key()
        if not key:
            return queryset
        return queryset.order_by(key, "-pk" if key.startswith("-") else "pk")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset, queryset = self.filtered()
        if request.GET.get("export") == "csv":
            return self.export_csv(queryset)
        return super().get(request, *args, filterset=filterset, queryset=queryset, **kwargs)

    def per_page(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def get_context_data(self, *, filterset, queryset, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(queryset, self.per_page())
        page = paginator.get_page(self.request.GET.get("page"))
        # Read the page before recording the search, so a list of events (the access log,
        # the audit trail) shows what matched, not the search's own event.
        page.object_list = list(page.object_list)
        searched = any(k not in LIST_PARAMETERS and v for k, v in self.request.GET.items())
        if searched:
            access_event_record(request=self.request, action=AccessAction.SEARCH,
                                query=self.request.GET.urlencode(), result_count=paginator.count)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update({
            "title": self.title or self.model._meta.verbose_name_plural.capitalize(),
            "description": self.description,
            "filterset": filterset,
            "filter_errors": filterset.errors if filterset is not None and filterset.is_bound
            and not filterset.is_valid() else {},
            "columns": self.columns,
            "rows": [[c.cell(row) for c in self.columns] for row in page.object_list],
            "page_obj": page,
            "paginator": paginator,
            "page_sizes": PAGE_SIZES,
            "per_page": self.per_page(),
            "current_sort": self.sort_key(),
            "querystring": query.urlencode(),
            "is_filtered": searched,
            "empty_message": self.empty_message,
            "can_add": bool(self.add_url_name) and user_can(self.request.user, "add",
                                                            model=self.model),
            "add_url_name": self.add_url_name,
        })
        return context

    def export_csv(self, queryset) -> StreamingHttpResponse:
        columns = [c for c in self.columns if c.csv]
        access_event_record(request=self.request, action=AccessAction.EXPORT,
                            query=self.request.GET.urlencode(), result_count=queryset.count())

        writer = streaming_csv_writer()

        def rows():
            yield writer.writerow([c.label for c in columns])
            for row in queryset.iterator(chunk_size=500) if not _prefetches(queryset) else queryset:
                yield writer.writerow([csv_safe(c.display(row)) for c in columns])

        name = self.model._meta.model_name
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response


def _style_filter_form(form) -> None:
    """Give filter widgets Bootstrap's look (FilterSets are shared with the API, so the
    styling belongs to the page, not to the filter declarations)."""
    for field in form.fields.values():
        widget = field.widget
        if getattr(widget, "input_type", "") in ("checkbox", "radio", "hidden"):
            continue
        css = "form-select form-select-sm" if hasattr(widget, "choices") else "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _prefetches(queryset) -> bool:
    return bool(getattr(queryset, "_prefetch_related_lookups", ()))


class ObjectDetailView(RestrictedViewMixin, DetailView):
    """A row the user may see (404 otherwise); reads of `sensitive` models are access events."""

    record_access = False

    def get_queryset(self):
        queryset = self.restricted_queryset()
        for_detail = getattr(queryset, "for_detail", None)
        return for_detail() if for_detail else queryset

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.record_access:
            access_event_record(request=self.request, action=AccessAction.VIEW, obj=obj)
        return obj


# --------------------------------------------------------------------------------------
# Home, health and error pages
# --------------------------------------------------------------------------------------
class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["counters"] = counters_for(self.request.user)
        context["alerts"] = alerts_for(self.request.user)
        return context


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache/broker and each expected worker; HTTP 503 when any is down."""
    from core.services.jobs import workers_status

    checks: dict[str, dict] = {}
    checks["database"] = _check(_database_query)
    checks["cache"] = _check(_cache_roundtrip)
    checks["broker"] = _check(_broker_ping)
    if checks["database"]["ok"]:
        try:
            checks["workers"] = workers_status()
        except Exception as error:  # table missing before migrate
            checks["workers"] = {"ok": False, "error": f"{type(error).__name__}: unavailable"}
    else:
        checks["workers"] = {"ok": False, "error": "unknown: the database is unavailable"}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                        status=200 if healthy else 503)


def _check(probe) -> dict:
    """Run one probe; the answer names the kind of failure, the log holds the details
    (host names and ports are not for anonymous callers)."""
    try:
        probe()
    except Exception as error:
        logger.warning("Health check %s failed: %s", probe.__name__, error)
        return {"ok": False, "error": f"{type(error).__name__}: unavailable"}
    return {"ok": True}


def _database_query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_roundtrip() -> None:
    cache.set("custodia:healthz", "ok", 30)
    if cache.get("custodia:healthz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _broker_ping() -> None:
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1,
                             socket_timeout=1).ping()
        return
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    import os

    if not os.access(folder, os.W_OK):
        raise RuntimeError(f"broker folder {folder} is not writable")


def _api_error(request, status: int, code: str, message: str) -> JsonResponse | None:
    """Under /api/ the error pages answer in the API's one JSON error shape
    (core/api/errors.py): a client must never have to parse an HTML page."""
    if not request.path.startswith("/api/") or request.path.startswith("/api/docs/"):
        return None
    return JsonResponse({"error": {"status": status, "code": code, "message": message}},
                        status=status)


def permission_denied(request, exception=None):
    return _api_error(request, 403, "permission_denied",
                      "You do not have permission to perform this action.") or render(
        request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return _api_error(request, 404, "not_found", "Not found.") or render(
        request, "errors/404.html", status=404)


def server_error(request):
    api = _api_error(request, 500, "server_error",
                     "Something went wrong on our side; nothing was saved partially.")
    if api is not None:
        return api
    # No request context: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


__all__ = ["Column", "HomeView", "ObjectDetailView", "ObjectListView", "healthz"]
