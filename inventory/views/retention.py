"""Dashboards of retention: retention policies and legal holds (lists, and the compliance
officers' add, edit, release and delete pages through `inventory.services.retention`) and
the purged artifacts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse

from core.permissions import user_can
from core.tables import Column
from core.views.generic import ObjectListView
from inventory.filters import LegalHoldFilterSet, PurgeRecordFilterSet
from inventory.forms import DeleteForm, LegalHoldForm, LegalHoldReleaseForm, RetentionPolicyForm
from inventory.models import LegalHold, PurgeRecord, RetentionPolicy
from inventory.services import retention
from inventory.views.catalogue import RecordEditMixin, RecordFormView

__all__ = [
    "ActionColumn",
    "LegalHoldCreateView",
    "LegalHoldEditView",
    "LegalHoldListView",
    "LegalHoldReleaseView",
    "PurgeRecordListView",
    "RetentionPolicyCreateView",
    "RetentionPolicyDeleteView",
    "RetentionPolicyEditView",
    "RetentionPolicyListView",
]


@dataclass(frozen=True)
class ActionColumn(Column):
    """A cell linking to a page of the row (edit, release), shown only to who may use it."""

    route: str = ""
    when: object = None  # a callable taking the row: whether the link applies to it

    def cell(self, row) -> dict:
        applies = self.when is None or self.when(row)
        return {"text": self.label if applies else "", "badge": "",
                "url": reverse(self.route, args=[row.pk]) if applies else ""}


class RecordActionsListMixin:
    """Adds the action columns for a user who may change rows (one permission check)."""

    action_columns: list[Column] = []

    def get_context_data(self, **kwargs) -> dict:
        if user_can(self.request.user, "change", model=self.model):
            self.columns = [*type(self).columns, *self.action_columns]
        context = super().get_context_data(**kwargs)
        context["add_label"] = getattr(self, "add_label", "")
        return context


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------
class RetentionPolicyListView(RecordActionsListMixin, ObjectListView):
    model = RetentionPolicy
    title = "Retention policies"
    description = ("How long artifacts of versions are kept after they reach a stage. The "
                   "scheduled purge removes an artifact file only once every policy that "
                   "applies to it has run out and no legal hold covers it.")
    empty_message = ("No retention policy is defined: every artifact is kept. Compliance "
                     "officers add policies with the Add a retention policy button.")
    default_sort = "name"
    add_url_name = "inventory:retentionpolicy_add"
    add_label = "Add a retention policy"
    columns = [
        Column("name", "Name", sort="name"),
        Column("asset_type", "Applies to", sort="asset_type"),
        Column(lambda p: p.regulation.name if p.regulation_id else "every asset", "Regulation"),
        Column("stage", "Clock starts at", sort="stage"),
        Column("retain_days", "Keep for (days)", sort="retain_days"),
        Column(lambda p: "active" if p.active else "inactive", "Status",
               badge={"active": "success", "inactive": "secondary"}),
    ]
    action_columns = [ActionColumn("pk", "Edit", csv=False,
                                   route="inventory:retentionpolicy_edit")]


class LegalHoldListView(RecordActionsListMixin, ObjectListView):
    model = LegalHold
    filterset_class = LegalHoldFilterSet
    title = "Legal holds"
    description = ("Litigation and regulatory holds. Nothing a hold covers is purged, whatever "
                   "the retention policy says, until the hold is released.")
    empty_message = ("No legal hold has been placed. Compliance officers place them with the "
                     "Place a legal hold button or the API.")
    add_url_name = "inventory:legalhold_add"
    add_label = "Place a legal hold"
    action_columns = [
        ActionColumn("pk", "Edit", csv=False, route="inventory:legalhold_edit"),
        ActionColumn("pk", "Release", csv=False, route="inventory:legalhold_release",
                     when=lambda h: h.is_active),
    ]
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


# --------------------------------------------------------------------------------------
# Add, edit, delete policies; place, edit, release holds (compliance officers)
# --------------------------------------------------------------------------------------
_POLICY_INTRO = ("A policy keeps the artifacts of versions of one kind for a number of days "
                 "after they reached a stage, for the assets carrying a regulation's tag (or "
                 "every asset). When several apply, the longest wins. Every change is kept in "
                 "the policy's history with your name and your reason.")
_HOLD_INTRO = ("Nothing a hold covers is purged until it is released: one model (all its "
               "versions), one model version, one dataset (all its versions) or one dataset "
               "version. Every change is kept in the hold's history with your name and your "
               "reason.")


class RetentionPolicyCreateView(RecordFormView):
    model, form_class, noun, intro = RetentionPolicy, RetentionPolicyForm, "retention policy", \
        _POLICY_INTRO
    permission_action = "add"
    list_route = "inventory:retentionpolicy_list"

    def get_cancel_url(self) -> str:
        return reverse(self.list_route)

    def save(self, form) -> str:
        policy = retention.retention_policy_create(
            actor=self.request.user, reason=self.reason(form, "Added in the dashboard"),
            data=form.service_data())
        messages.success(self.request, f"Added the retention policy \u201c{policy}\u201d.")
        return reverse(self.list_route)


class RetentionPolicyEditView(RecordEditMixin, RetentionPolicyCreateView):
    permission_action = "view"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if user_can(self.request.user, "delete", self.object):
            context["delete_url"] = reverse("inventory:retentionpolicy_delete",
                                            args=[self.object.pk])
        return context

    def save(self, form) -> str:
        policy = retention.retention_policy_update(
            policy=self.object, actor=self.request.user,
            reason=self.reason(form, "Changed in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Saved the changes to \u201c{policy}\u201d.")
        return reverse(self.list_route)


class RetentionPolicyDeleteView(RecordEditMixin, RecordFormView):
    """Delete a policy that never purged anything (the service refuses otherwise)."""

    model, form_class, noun = RetentionPolicy, DeleteForm, "retention policy"
    intro = ("A policy that purged artifacts is evidence of why and cannot be deleted; "
             "make it inactive instead. Its history is kept.")
    object_action = "delete"
    list_route = "inventory:retentionpolicy_list"
    danger = True

    def get_cancel_url(self) -> str:
        return reverse("inventory:retentionpolicy_edit", args=[self.object.pk])

    def get_title(self) -> str:
        return f"Delete {self.object}?"

    def get_submit_label(self) -> str:
        return "Delete the policy"

    def save(self, form) -> str:
        name = str(self.object)
        retention.retention_policy_delete(policy=self.object, actor=self.request.user,
                                          reason=form.cleaned_data["reason"])
        messages.success(self.request, f"Deleted the retention policy \u201c{name}\u201d.")
        return reverse(self.list_route)


class LegalHoldCreateView(RecordFormView):
    model, form_class, noun, intro = LegalHold, LegalHoldForm, "legal hold", _HOLD_INTRO
    permission_action = "add"
    list_route = "inventory:legalhold_list"

    def get_title(self) -> str:
        return "Place a legal hold"

    def get_submit_label(self) -> str:
        return "Place the hold"

    def get_cancel_url(self) -> str:
        return reverse(self.list_route)

    def save(self, form) -> str:
        hold = retention.legal_hold_place(
            actor=self.request.user, reason=self.reason(form, "Placed in the dashboard"),
            data=form.service_data())
        messages.success(self.request, f"Placed the legal hold {hold}.")
        return reverse(self.list_route)


class LegalHoldEditView(RecordEditMixin, LegalHoldCreateView):
    permission_action = "view"

    def get_queryset(self):
        return self.restricted_queryset().for_list()

    def get_object(self, pk: int):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), pk=pk)

    def get_title(self) -> str:
        return f"Edit the legal hold {self.object}"

    def get_submit_label(self) -> str:
        return "Save changes"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if self.object.is_active:
            context["release_url"] = reverse("inventory:legalhold_release", args=[self.object.pk])
        return context

    def save(self, form) -> str:
        hold = retention.legal_hold_update(
            hold=self.object, actor=self.request.user,
            reason=self.reason(form, "Changed in the dashboard"), data=form.service_data())
        messages.success(self.request, f"Saved the changes to {hold}.")
        return reverse(self.list_route)


class LegalHoldReleaseView(RecordEditMixin, RecordFormView):
    """Release a hold with a reason (refused by the service when already released)."""

    model, form_class, noun = LegalHold, LegalHoldReleaseForm, "legal hold"
    intro = ("Once released, what the hold covered may be purged again when its retention "
             "period has run out. The hold and its release stay on record.")
    list_route = "inventory:legalhold_list"
    danger = True

    def get_object(self, pk: int):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.restricted_queryset().for_list(), pk=pk)

    def get_cancel_url(self) -> str:
        return reverse(self.list_route)

    def get_title(self) -> str:
        return f"Release the legal hold {self.object}?"

    def get_submit_label(self) -> str:
        return "Release the hold"

    def save(self, form) -> str:
        hold = retention.legal_hold_release(hold=self.object, actor=self.request.user,
                                            reason=form.cleaned_data["release_reason"])
        messages.success(self.request, f"Released the legal hold {hold}.")
        return reverse(self.list_route)
