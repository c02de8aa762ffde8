"""The findings board: what reconciliation found, who fixes it and by when; a finding's
page (work on it, record a review); run now; upload a listing of reality."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from core.forms import form_errors_from
from core.history import history_entries
from core.permissions import user_can
from core.views.generic import InvalidFieldsMarkedMixin, ObjectDetailView, ObjectListView
from governance.choices import ACTIVE_FINDING_STATUSES, FindingKind, FindingStatus
from governance.filters import FindingFilterSet
from governance.forms import FindingWorkForm, RealityListingUploadForm, ReviewRecordForm
from governance.models import Finding, RealityListing
from governance.services.reconciliation import (
    RECONCILE_JOB,
    finding_update,
    reality_listing_create,
    reality_listing_items_from_file,
    reconciliation_submit,
)
from governance.tables import FINDING_COLUMNS
from inventory.services.catalogue import mlmodel_review_record

__all__ = ["FindingDetailView", "FindingListView", "ListingUploadView", "ReconciliationRunView"]

AGE_BUCKETS = [(7, "Under a week"), (30, "1 to 4 weeks"), (90, "1 to 3 months"), (None, "Older")]


class FindingListView(ObjectListView):
    model = Finding
    filterset_class = FindingFilterSet
    columns = FINDING_COLUMNS
    default_sort = "due_on"
    template_name = "governance/finding_list.html"
    title = "Findings board"
    description = ("Where the inventory and reality disagree: models running or stored "
                   "without approval (unauthorised), models nobody owns or uses (orphaned), "
                   "and models overdue for their periodic review. Reconciliation opens and "
                   "closes findings; each has an owner and a due date.")
    empty_message = ("No finding. Reconciliation has not found anything running, stored or "
                     "overdue that the inventory does not explain.")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        visible = self.restricted_queryset()
        active = visible.filter(status__in=list(ACTIVE_FINDING_STATUSES))
        context["summary"] = _summary(active)
        context["last_run"] = _last_run()
        context["can_run"] = user_can(self.request.user, "run_reconciliation", model=Finding)
        context["can_upload"] = user_can(self.request.user, "add", model=RealityListing)
        # Filters a person uses; ids and the sort field serve the API and bookmarks.
        context["board_filters"] = ("q", "kind", "status", "owner", "overdue", "due_before",
                                    "found_after", "found_before")
        return context


def _summary(active) -> dict:
    """Counts for the board's chart and badges: active findings by kind and by age."""
    by_kind = dict(active.values_list("kind").annotate(n=Count("pk")).order_by())
    now = timezone.now()
    ages = {label: 0 for _, label in AGE_BUCKETS}
    overdue = 0
    for first_seen, due_on in active.values_list("first_seen_at", "due_on").iterator():
        days = (now - first_seen).days
        label = next(label for limit, label in AGE_BUCKETS if limit is None or days < limit)
        ages[label] += 1
        overdue += due_on < now.date()
    return {
        "kinds": [{"key": kind.value, "label": kind.label, "count": by_kind.get(kind.value, 0)}
                  for kind in FindingKind],
        "ages": [{"label": label, "count": count} for label, count in ages.items()],
        "overdue": overdue,
        "total": sum(by_kind.values()),
    }


def _last_run():
    from core.models import JobRun

    return JobRun.objects.filter(name=RECONCILE_JOB).order_by("-created_at").first()


class FindingDetailView(ObjectDetailView):
    model = Finding
    template_name = "governance/finding_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        finding, user = self.object, self.request.user
        context["history"] = history_entries(finding, user=user)
        can_work = finding.status != FindingStatus.CLOSED and user_can(user, "work_finding",
                                                                       finding)
        context["work_form"] = kwargs.get("work_form") or (FindingWorkForm(initial={
            "status": finding.status, "owner": finding.owner_id, "due_on": finding.due_on,
            "reason": ""}) if can_work else None)
        can_review = (finding.kind == FindingKind.STALE and finding.model is not None
                      and user_can(user, "review_mlmodel", finding.model))
        context["review_form"] = kwargs.get("review_form") or (
            ReviewRecordForm() if can_review else None)
        return context

    def post(self, request, *args, **kwargs):
        self.object = finding = self.get_object()
        if "record_review" in request.POST:
            return self._review(request, finding)
        form = FindingWorkForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding_update(finding=finding, actor=request.user, reason=data["reason"],
                               status=data["status"] or None, owner=data["owner"],
                               due_on=data["due_on"])
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, "Finding updated.")
                return redirect(finding.get_absolute_url())
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return self.render_to_response(self.get_context_data(work_form=form))

    def _review(self, request, finding):
        if finding.model is None:
            raise PermissionDenied
        form = ReviewRecordForm(request.POST)
        if form.is_valid():
            try:
                mlmodel_review_record(model=finding.model, actor=request.user,
                                      reason=form.cleaned_data["reason"],
                                      reviewed_on=form.cleaned_data["reviewed_on"])
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, "Review recorded. The finding closes at the next "
                                          "reconciliation run.")
                return redirect(finding.get_absolute_url())
        messages.error(request, "The review was not recorded: correct the fields marked below.")
        return self.render_to_response(self.get_context_data(review_form=form))


class ReconciliationRunView(LoginRequiredMixin, View):
    """The run-now button: queue a run and follow its progress on the job page."""

    def post(self, request):
        run = reconciliation_submit(actor=request.user, reason="Started from the findings board")
        messages.success(request, "Reconciliation started: this page follows its progress.")
        return redirect(run.get_absolute_url())


class ListingUploadView(LoginRequiredMixin, InvalidFieldsMarkedMixin, FormView):
    """Upload what a platform reports (CSV or JSON), for platforms that cannot call the API."""

    template_name = "governance/listing_upload.html"
    form_class = RealityListingUploadForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_can(request.user, "add",
                                                          model=RealityListing):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            items = reality_listing_items_from_file(data["file"])
            listing = reality_listing_create(actor=self.request.user, kind=data["kind"],
                                             source=data["source"], items=items,
                                             file_name=data["file"].name)
        except ValidationError as error:
            form_errors_from(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Listing received: {listing.item_count} item(s) from "
                                       f"{listing.source}. The next reconciliation compares them.")
        return redirect("governance:finding_list")
