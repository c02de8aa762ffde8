"""The access log (who viewed sensitive records, downloaded, exported or searched) and the
explicit denials that restrict access to single records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from core.filters import AccessEventFilterSet, PermissionDenialFilterSet
from core.forms import PermissionDenialForm, ReasonForm, form_errors_from
from core.history import history_entries
from core.models import AccessEvent, PermissionDenial
from core.permissions import user_can
from core.services.access import (
    denial_target_resolve,
    permission_denial_create,
    permission_denial_lift,
)
from core.tables import Column
from core.views.generic import ObjectListView, RestrictedViewMixin

__all__ = ["AccessEventListView", "PermissionDenialCreateView", "PermissionDenialDetailView",
           "PermissionDenialListView"]


class AccessEventListView(ObjectListView):
    model = AccessEvent
    filterset_class = AccessEventFilterSet
    title = "Access log"
    description = ("Who viewed sensitive records, downloaded, exported or searched — "
                   "kept unchangeable, as evidence.")
    empty_message = "No access has been recorded yet."
    default_sort = "-occurred_at"
    columns = [
        Column("occurred_at", "When", sort="occurred_at"),
        Column("actor", "Who", sort="actor"),
        Column("action", "Action", sort="action", badge={
            "view": "secondary", "download": "warning", "export": "info", "search": "light"}),
        Column(lambda e: e.object_repr or "—", "Record"),
        Column("query", "Search or filter"),
        Column("result_count", "Rows"),
        Column("client_address", "Client address"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")


class PermissionDenialListView(ObjectListView):
    model = PermissionDenial
    filterset_class = PermissionDenialFilterSet
    title = "Access denials"
    description = ("Single records a user, a role or a team may not see or act on, whatever "
                   "their role says — with who decided it and why.")
    empty_message = "No access is denied beyond what the roles allow."
    default_sort = "-created_at"
    add_url_name = "core:permissiondenial_add"
    columns = [
        Column("pk", "Denial", sort="id", link=True),
        Column("record_label", "Record"),
        Column("action", "Action denied", sort="action", badge={"view": "danger"}),
        Column(lambda d: str(d.target), "Denied to"),
        Column(lambda d: "User" if d.user_id else "Role" if d.group_id else "Team", "Kind"),
        Column("reason", "Why"),
        Column(lambda d: str(d.created_by or "—"), "Decided by"),
        Column("created_at", "Since", sort="created_at"),
    ]


class PermissionDenialCreateView(RestrictedViewMixin, FormView):
    """Deny one action on one record to a user, a role or a team."""

    model = PermissionDenial
    permission_action = "add"
    form_class = PermissionDenialForm
    template_name = "core/permissiondenial_form.html"

    def get_initial(self) -> dict:
        # "Deny access…" links elsewhere may name the record: ?record_type=<id>&object_id=<id>.
        return {name: self.request.GET[name] for name in ("record_type", "object_id")
                if name in self.request.GET}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = denial_target_resolve(content_type=data["record_type"],
                                           object_id=data["object_id"], actor=self.request.user)
            denial = permission_denial_create(
                obj=record, action=data["action"], actor=self.request.user, reason=data["reason"],
                user=data.get("user"), group=data.get("role"), team=data.get("team"))
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{denial} is in force.")
        return HttpResponseRedirect(reverse("core:permissiondenial_detail", args=[denial.pk]))


class PermissionDenialDetailView(RestrictedViewMixin, FormView):
    """One denial with its history; those who may lift it can, giving a reason."""

    model = PermissionDenial
    form_class = ReasonForm
    template_name = "core/permissiondenial_detail.html"

    def get_object(self) -> PermissionDenial:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.restricted_queryset().for_list(), pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs) -> dict:
        denial = self.get_object()
        return super().get_context_data(
            object=denial, history=history_entries(denial, user=self.request.user),
            can_lift=user_can(self.request.user, "delete", denial), **kwargs)

    def form_valid(self, form):
        denial = self.get_object()
        if not user_can(self.request.user, "delete", denial):
            raise PermissionDenied
        label = str(denial)
        try:
            permission_denial_lift(denial=denial, actor=self.request.user,
                                   reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Lifted: {label}.")
        return HttpResponseRedirect(reverse("core:permissiondenial_list"))
