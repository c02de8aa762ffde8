"""The reports page: generate a report now or on a schedule, and download stored ones
(each download an access event)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core.forms import form_errors_from
from core.permissions import restrict_queryset, user_can, user_has_any_permission
from core.views.generic import ObjectListView
from governance.choices import ReportFormat
from governance.filters import ReportFilterSet
from governance.forms import ReportScheduleForm
from governance.models import Report, ReportSchedule
from governance.services.reports import (
    REPORT_TEMPLATES,
    next_run_at,
    report_download,
    report_generate,
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
    report_templates_for,
)
from governance.tables import REPORT_COLUMNS

__all__ = ["ReportDownloadView", "ReportGenerateView", "ReportListView",
           "ReportScheduleDeleteView", "ReportScheduleEditView"]


class ReportListView(ObjectListView):
    model = Report
    filterset_class = ReportFilterSet
    columns = REPORT_COLUMNS
    default_sort = "-generated_at"
    template_name = "governance/report_list.html"
    title = "Reports"
    description = ("Standard reports for auditors and regulators, generated from the "
                   "inventory as PDF, web page or spreadsheet. Every stored report keeps when "
                   "it was generated, with which parameters, for whom, and the SHA-256 of its "
                   "file, so a copy can be checked against the original.")
    empty_message = "No report has been generated yet: choose one above to generate it."

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["board_filters"] = ("template", "file_format", "generated_after", "generated_before")
        context["templates"] = report_templates_for(user) if user_can(
            user, "add", model=Report) else []
        schedules = list(ReportSchedule.objects.restrict(user, "view").for_list())
        context["schedules"] = [
            {"schedule": s, "next_run": next_run_at(s),
             "template_title": getattr(REPORT_TEMPLATES.get(s.template), "title", s.template),
             "can_change": user_can(user, "change", s)} for s in schedules]
        return context


class ReportGenerateView(LoginRequiredMixin, View):
    """One template's page: its parameters, then generate now or schedule it."""

    template_name = "governance/report_generate.html"

    def _template(self, request, key: str):
        template = REPORT_TEMPLATES.get(key)
        if template is None:
            raise Http404
        if not (user_can(request.user, "add", model=Report)
                and request.user.has_perm(template.permission)):
            raise PermissionDenied
        return template

    def get(self, request, key: str):
        template = self._template(request, key)
        return self._render(request, template, template.form_class(user=request.user),
                            ReportScheduleForm(prefix="schedule", templates=[template],
                                               initial={"template": template.key}))

    def post(self, request, key: str):
        template = self._template(request, key)
        form = template.form_class(request.POST, user=request.user)
        scheduling = "schedule" in request.POST
        schedule_form = ReportScheduleForm(
            {**request.POST.dict(), "schedule-template": template.key} if scheduling else None,
            prefix="schedule", templates=[template], initial={"template": template.key})
        report_format = request.POST.get("format", ReportFormat.PDF)
        if form.is_valid() and (not scheduling or schedule_form.is_valid()):
            try:
                if scheduling:
                    return self._schedule(request, template, form, schedule_form)
                report = report_generate(template_key=template.key, parameters=_raw(form),
                                         format=report_format, actor=request.user)
            except ValidationError as error:
                form_errors_from(schedule_form if scheduling else form, _unprefixed(error))
            else:
                messages.success(request, f"{report.title} generated. SHA-256 {report.sha256}.")
                return redirect(reverse("governance:report_list") + f"?highlight={report.pk}")
        messages.error(request, "Nothing was generated: correct the fields marked below.")
        return self._render(request, template, form, schedule_form, status=400)

    def _schedule(self, request, template, form, schedule_form):
        data = {name: value for name, value in schedule_form.cleaned_data.items()
                if name != "reason"}
        data["parameters"] = _raw(form)
        schedule = report_schedule_create(actor=request.user,
                                          reason=schedule_form.cleaned_data["reason"], data=data)
        messages.success(request, f"Scheduled: {schedule.name}, {schedule.cadence}.")
        return redirect("governance:report_list")

    def _render(self, request, template, form, schedule_form, status: int = 200):
        return render(request, self.template_name, {
            "title": template.title, "report_template": template, "form": form,
            "schedule_form": schedule_form, "formats": ReportFormat.choices,
            "can_schedule": user_can(request.user, "add", model=ReportSchedule),
        }, status=status)


# ModelMultipleChoiceField is not a MultipleChoiceField subclass.
MULTIPLE_FIELDS = (django_forms.MultipleChoiceField, django_forms.ModelMultipleChoiceField)


def _raw(form) -> dict:
    """The submitted parameters as the template's form reads them (lists for multiple
    choices), for the service, which validates them again."""
    return {name: form.data.getlist(name) if isinstance(field, MULTIPLE_FIELDS)
            else form.data.get(name) for name, field in form.fields.items()
            if form.data.get(name)}


def _unprefixed(error: ValidationError) -> ValidationError:
    """`parameters.start` → `start`, so the message lands next to the field."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({name.removeprefix("parameters."): messages
                            for name, messages in error.message_dict.items()})


class ReportScheduleEditView(LoginRequiredMixin, View):
    template_name = "governance/report_schedule_form.html"

    def _schedule(self, request, pk: int) -> ReportSchedule:
        schedule = get_object_or_404(ReportSchedule.objects.restrict(request.user, "view"),
                                     pk=pk)
        if not user_can(request.user, "change", schedule):
            raise PermissionDenied
        return schedule

    def get(self, request, pk: int):
        schedule = self._schedule(request, pk)
        form = ReportScheduleForm(instance=schedule, templates=list(REPORT_TEMPLATES.values()))
        return render(request, self.template_name, {"form": form, "schedule": schedule,
                                                    "title": f"Schedule: {schedule.name}"})

    def post(self, request, pk: int):
        schedule = self._schedule(request, pk)
        form = ReportScheduleForm(request.POST, instance=ReportSchedule.objects.get(pk=pk),
                                  templates=list(REPORT_TEMPLATES.values()))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in
                    ("name", "template", "format", "every", "period", "starts_at", "enabled")}
            try:
                report_schedule_update(schedule=schedule, actor=request.user,
                                       reason=form.cleaned_data["reason"], data=data)
            except ValidationError as error:
                form_errors_from(form, _unprefixed(error))
            else:
                messages.success(request, "Schedule saved.")
                return redirect("governance:report_list")
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return render(request, self.template_name, {"form": form, "schedule": schedule,
                                                    "title": f"Schedule: {schedule.name}"},
                      status=400)


class ReportScheduleDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        schedule = get_object_or_404(ReportSchedule.objects.restrict(request.user, "view"),
                                     pk=pk)
        report_schedule_delete(schedule=schedule, actor=request.user,
                               reason=request.POST.get("reason") or "Deleted on the reports page")
        messages.success(request, f"Schedule {schedule.name} deleted; its reports are kept.")
        return redirect("governance:report_list")


class ReportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        if not user_has_any_permission(request.user, "view", Report):
            raise PermissionDenied
        report = get_object_or_404(restrict_queryset(Report.objects.all(), request.user, "view"),
                                   pk=pk)
        try:
            data, content_type, file_name = report_download(report=report, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("governance:report_list")
        response = HttpResponse(data, content_type=content_type)
        # PDFs and web pages open in the browser; spreadsheets are saved.
        disposition = "attachment" if report.format == ReportFormat.CSV else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{file_name}"'
        return response
