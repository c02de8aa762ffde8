"""Cost pages: the cost records (list, CSV upload) and the monthly report per business
unit (page, CSV, PDF)."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from core.choices import AccessAction
from core.exports import csv_safe
from core.forms import form_errors_from
from core.pdf import pdf_response
from core.permissions import user_can
from core.services.audit import access_event_record
from core.tables import Column
from core.views.generic import InvalidFieldsMarkedMixin, ObjectListView, RestrictedViewMixin
from inventory.models import MLModel
from monitoring.choices import CostScope
from monitoring.filters import CostRecordFilterSet, for_pages
from monitoring.forms import CostUploadForm
from monitoring.models import CostRecord
from monitoring.selectors.costs import cost_allocation
from monitoring.services.costs import cost_records_import, parse_month

__all__ = ["CostRecordListView", "CostReportView", "CostUploadView"]


class CostRecordListView(ObjectListView):
    model = CostRecord
    filterset_class = for_pages(CostRecordFilterSet)
    template_name = "monitoring/costrecord_list.html"
    title = "Cost records"
    description = ("What each model, deployment and the shared platform cost per month. "
                   "The monthly report attributes them to business units.")
    empty_message = "No cost recorded yet. Upload a CSV bill or post costs to the API."
    default_sort = "-month"
    columns = [
        Column(lambda r: f"{r.month:%Y-%m}", "Month", sort="month"),
        Column("scope", "Scope", sort="scope", badge={CostScope.SHARED: "info"}),
        Column(lambda r: r.model.name if r.model_id else "Shared infrastructure", "Model"),
        Column(lambda r: str(r.deployment) if r.deployment_id else "—", "Deployment"),
        Column("model.team.business_unit", "Business unit"),
        Column("category", "Category", sort="category"),
        Column("amount", "Amount", sort="amount"),
        Column("project", "Project"),
        Column("reference", "Reference"),
        Column("source", "Source"),
    ]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["can_upload"] = user_can(self.request.user, "add", model=CostRecord)
        return context


class CostUploadView(RestrictedViewMixin, InvalidFieldsMarkedMixin, FormView):
    """Upload a CSV bill: every row stored, or none with each bad row named."""

    model = CostRecord
    permission_action = "add"
    form_class = CostUploadForm
    template_name = "monitoring/cost_upload.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
            records = cost_records_import(
                actor=self.request.user, text=text, filename=upload.name,
                reason=form.cleaned_data["change_reason"] or f"Uploaded {upload.name}")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text.")
            return self.form_invalid(form)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "rows" in error.error_dict:
                form.add_error("file", "Nothing was stored: correct these rows and upload the "
                                       "file again.")
                for message in error.message_dict["rows"]:
                    form.add_error(None, message)
            else:
                form_errors_from(form, error)
            return self.form_invalid(form)
        total = sum(record.amount for record in records)
        messages.success(self.request, f"Stored {len(records)} cost records, {total} in total.")
        return HttpResponseRedirect(reverse("monitoring:costrecord_list"))


def _default_month(user) -> date:
    latest = CostRecord.objects.restrict(user, "view").order_by("-month").values_list(
        "month", flat=True).first()
    return latest or timezone.now().date().replace(day=1)


class CostReportView(RestrictedViewMixin, TemplateView):
    """A month's costs per business unit, team, model and project, as a page, CSV or PDF."""

    model = CostRecord
    template_name = "monitoring/cost_report.html"

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("month", "")
        month_error = ""
        try:
            month = parse_month(raw) if raw else _default_month(request.user)
        except ValidationError as error:
            month, month_error = _default_month(request.user), error.messages[0]
        visible = set(MLModel.objects.restrict(request.user, "view").values_list("pk", flat=True))
        allocation = cost_allocation(month, visible_model_ids=visible)
        export = request.GET.get("export")
        if export in ("csv", "pdf"):
            access_event_record(request=request, action=AccessAction.EXPORT,
                                query=request.GET.urlencode(),
                                result_count=len(allocation.lines))
            if export == "csv":
                return _csv(allocation)
            return pdf_response(request, "monitoring/cost_report_pdf.html",
                                {"allocation": allocation},
                                filename=f"costs-{allocation.month:%Y-%m}.pdf")
        largest = max((unit.total for unit in allocation.business_units), default=0) or 1
        context = self.get_context_data(
            allocation=allocation, month_value=f"{allocation.month:%Y-%m}",
            month_error=month_error, title=f"Costs of {allocation.month:%B %Y}",
            bars=[{"unit": unit, "direct_width": round(float(unit.direct / largest) * 100, 1),
                   "shared_width": round(float(unit.shared / largest) * 100, 1)}
                  for unit in allocation.business_units])
        return self.render_to_response(context)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("monitoring.view_costrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _csv(allocation) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="costs-{allocation.month:%Y-%m}'
                                       '.csv"')
    writer = csv.writer(response)
    writer.writerow(["month", "business_unit", "team", "model", "project", "category",
                     "direct", "shared", "total", "currency"])
    for line in allocation.lines:
        writer.writerow([csv_safe(value) for value in (
            f"{allocation.month:%Y-%m}", line.business_unit, line.team, line.model_name,
            line.project, line.category, line.direct, line.shared, line.total,
            allocation.currency)])
    writer.writerow([f"{allocation.month:%Y-%m}", "TOTAL", "", "", "", "", "", "",
                     allocation.allocated_total, allocation.currency])
    return response
