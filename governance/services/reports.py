"""Reports: a registry of report templates, rendering to HTML, PDF and CSV from the same
content, storing each generated document with its SHA-256, and beat schedules.

A template is registered once (`report_template_register`) with a parameter form and a
`build(parameters, user)` function returning a `ReportContent`: tables and key figures.
The same content is rendered as a web page, printed to PDF (`core.pdf`) and written as
CSV, so the three formats never disagree. Any app above `inventory` may register its own
templates from its `ready()`; the reports page, the API and the schedules pick them up.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.audit import audit_context, describe_actor
from core.choices import AccessAction
from core.exports import csv_safe
from core.models import JobRun
from core.pdf import pdf_from_html
from core.permissions import user_can
from core.services.audit import access_event_record
from core.storage import HeldWriter
from governance.choices import ReportFormat
from governance.models import Report, ReportSchedule

__all__ = [
    "REPORT_TEMPLATES",
    "SCHEDULED_REPORT_TASK",
    "ReportContent",
    "ReportTable",
    "ReportTemplate",
    "report_download",
    "report_generate",
    "report_open",
    "report_parameters_clean",
    "report_render",
    "report_schedule_create",
    "report_schedule_delete",
    "report_schedule_update",
    "report_template_get",
    "report_template_register",
    "report_templates_for",
]

SCHEDULED_REPORT_TASK = "governance.report_scheduled"
REPORTS_FOLDER = "reports"
CONTENT_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.HTML: "text/html; charset=utf-8",
                 ReportFormat.CSV: "text/csv; charset=utf-8"}


# --------------------------------------------------------------------------------------
# Content and the registry
# --------------------------------------------------------------------------------------
@dataclass
class ReportTable:
    """One table of a report: a title, column headings and rows of plain values."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    # Column positions shown as a status (e.g. "missing" in red) in HTML and PDF.
    status_columns: tuple[int, ...] = ()


@dataclass
class ReportContent:
    """What a template built: key figures, tables and notes, independent of the format."""

    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(table.rows) for table in self.tables)


@dataclass(frozen=True)
class ReportTemplate:
    """A kind of report.

    Args:
        key: stable identifier (kept on every stored report and schedule).
        title: what a compliance officer calls it.
        description: what it answers, in one or two sentences.
        build: `build(parameters, user) -> ReportContent`; reads only what `user` may see.
        form_class: the parameters, as a Django form (its errors are the field errors).
        permission: what a user needs to generate it (`app_label.codename`).
    """

    key: str
    title: str
    description: str
    build: Callable[[dict, Any], ReportContent]
    form_class: type[forms.Form]
    permission: str


REPORT_TEMPLATES: dict[str, ReportTemplate] = {}


def report_template_register(template: ReportTemplate) -> None:
    """Make `template` available to the reports page, the API and schedules."""
    REPORT_TEMPLATES[template.key] = template


def report_template_get(key: str) -> ReportTemplate:
    """Raises: ValidationError naming `template` for an unknown key."""
    template = REPORT_TEMPLATES.get(key or "")
    if template is None:
        raise ValidationError({"template": [
            "Choose one of: " + ", ".join(sorted(REPORT_TEMPLATES)) + "."]})
    return template


def report_templates_for(user) -> list[ReportTemplate]:
    """The templates `user` may generate, in registration order."""
    return [t for t in REPORT_TEMPLATES.values() if user.has_perm(t.permission)]


def report_parameters_clean(template: ReportTemplate, parameters: dict | None, user) -> dict:
    """Validate parameters with the template's form; JSON-safe values back.

    Raises:
        ValidationError: per field, as `parameters.<name>`.
    """
    if parameters is not None and not isinstance(parameters, dict):
        raise ValidationError({"parameters": ["Give the parameters as an object."]})
    form = template.form_class(data=parameters or {}, user=user)
    if not form.is_valid():
        raise ValidationError({f"parameters.{name}" if name != "__all__" else "parameters": list(errors)
                               for name, errors in form.errors.items()})
    return {name: _json_safe(value) for name, value in form.cleaned_data.items()
            if value not in (None, "", [])}


def _json_safe(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple, QuerySet)):  # a queryset: a multiple-choice field
        return [_json_safe(v) for v in value]
    return value


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------
def report_render(content: ReportContent, *, template: ReportTemplate, parameters: dict,
                  format: str, generated_at: datetime, requested_by: str) -> bytes:
    """The bytes of `content` in `format` (the same tables in each)."""
    if format == ReportFormat.CSV:
        return _csv(content)
    html = render_to_string("governance/reports/document.html", {
        "content": content, "template": template,
        "parameters": {name: ", ".join(map(str, value)) if isinstance(value, list) else value
                       for name, value in parameters.items()},
        "generated_at": generated_at, "requested_by": requested_by,
    })
    if format == ReportFormat.PDF:
        return pdf_from_html(html)
    return html.encode("utf-8")


def _csv(content: ReportContent) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    several = len(content.tables) > 1
    if content.figures and not content.tables:
        writer.writerow(["figure", "value"])
        writer.writerows([csv_safe(label), csv_safe(value)] for label, value in content.figures)
    for number, table in enumerate(content.tables):
        if several and number:
            writer.writerow([])
        writer.writerow((["section"] if several else []) + table.columns)
        for row in table.rows:
            cells = [csv_safe("" if value is None else value) for value in row]
            writer.writerow(([csv_safe(table.title)] if several else []) + cells)
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------------------
# Generating and storing
# --------------------------------------------------------------------------------------
def report_generate(*, template_key: str, parameters: dict | None, format: str, actor,
                    schedule: ReportSchedule | None = None,
                    job_run: JobRun | None = None) -> Report:
    """Build, render and store one report in `actor`'s name.

    Returns:
        The stored `Report` (generation time, parameters, who asked, SHA-256, size).
    Raises:
        PermissionDenied: the actor may not generate reports, or not this one.
        ValidationError: unknown template or format, or bad parameters (per field).
    """
    template = report_template_get(template_key)
    if format not in ReportFormat.values:
        raise ValidationError({"format": [f"Choose one of: {', '.join(ReportFormat.values)}."]})
    if not (user_can(actor, "add", model=Report) and actor.has_perm(template.permission)):
        raise PermissionDenied(f"You may not generate the {template.title} report.")
    parameters = report_parameters_clean(template, parameters, actor)
    generated_at = timezone.now()
    requested_by = describe_actor(actor)
    content = template.build(parameters, actor)
    data = report_render(content, template=template, parameters=parameters, format=format,
                         generated_at=generated_at, requested_by=requested_by)
    stored = _store(data, template.key, format, generated_at)
    try:
        with transaction.atomic():
            return Report.objects.create(
                template=template.key, title=content.title[:300], format=format,
                parameters=parameters, requested_by=actor, requested_by_actor=requested_by,
                schedule=schedule, job_run=job_run, generated_at=generated_at,
                storage_name=stored.name, sha256=stored.sha256, size=stored.size,
                row_count=content.row_count)
    except BaseException:
        storages["default"].delete(stored.name)
        raise


def _store(data: bytes, key: str, format: str, generated_at: datetime):
    name = (f"{REPORTS_FOLDER}/{generated_at:%Y/%m}/{generated_at:%Y%m%d-%H%M%S}-"
            f"{slugify(key)}-{uuid.uuid4().hex[:8]}.{format}")
    writer = HeldWriter(name, storage=storages["default"], max_bytes=max(len(data), 1))
    return writer.write_all([data])


def report_open(report: Report) -> bytes:
    """The stored bytes, checked against the recorded SHA-256.

    Raises:
        ValidationError: the stored file is missing or no longer matches its checksum.
    """
    storage = storages["default"]
    if not storage.exists(report.storage_name):
        raise ValidationError("The stored file of this report is missing.")
    with storage.open(report.storage_name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ValidationError("The stored file of this report no longer matches its SHA-256.")
    return data


def report_download(*, report: Report, request) -> tuple[bytes, str, str]:
    """The bytes, content type and file name of a report; the download is an access event."""
    data = report_open(report)
    access_event_record(request=request, action=AccessAction.DOWNLOAD, obj=report)
    file_name = f"{slugify(report.template)}-{report.generated_at:%Y%m%d-%H%M%S}.{report.format}"
    return data, CONTENT_TYPES[report.format], file_name


# --------------------------------------------------------------------------------------
# Schedules (django-celery-beat)
# --------------------------------------------------------------------------------------
SCHEDULE_FIELDS = ("name", "template", "parameters", "format", "every", "period", "starts_at",
                   "enabled")


def report_schedule_create(*, actor, reason: str, data: dict) -> ReportSchedule:
    """A schedule owned by `actor`, with its beat periodic task.

    Raises:
        PermissionDenied: the actor may not schedule reports, or not this template.
        ValidationError: per field (name, template, parameters, format, interval).
    """
    schedule = ReportSchedule(owner=actor)
    return _schedule_save(schedule, actor=actor, reason=reason, data=data)


def report_schedule_update(*, schedule: ReportSchedule, actor, reason: str,
                           data: dict) -> ReportSchedule:
    """Change a schedule (its beat task follows).

    Raises:
        PermissionDenied: the actor may not change it.
        ValidationError: per field.
    """
    if not user_can(actor, "change", schedule):
        raise PermissionDenied("You may not change this schedule.")
    with transaction.atomic():
        instance = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        return _schedule_save(instance, actor=actor, reason=reason, data=data)


def report_schedule_delete(*, schedule: ReportSchedule, actor, reason: str) -> None:
    """Delete a schedule and its beat task; reports it produced stay."""
    if not user_can(actor, "delete", schedule):
        raise PermissionDenied("You may not delete this schedule.")
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        task = schedule.periodic_task
        schedule._change_reason = reason
        schedule.delete()
        if task is not None:
            task.delete()


def _schedule_save(schedule: ReportSchedule, *, actor, reason: str, data: dict) -> ReportSchedule:
    creating = schedule.pk is None
    if creating and not user_can(actor, "add", model=ReportSchedule):
        raise PermissionDenied("Scheduling reports needs the right to add schedules.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why (it is kept in the schedule's history)."]})
    unknown = set(data) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Not a schedule field."] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(schedule, name, value)
    if schedule.starts_at is None:
        schedule.starts_at = timezone.now()
    template = report_template_get(schedule.template)
    if not schedule.owner.has_perm(template.permission):
        raise PermissionDenied(f"You may not generate the {template.title} report.")
    schedule.parameters = report_parameters_clean(template, schedule.parameters, schedule.owner)
    with transaction.atomic(), audit_context(user=actor, reason=reason):
        schedule.full_clean(exclude=["periodic_task"])
        # The beat task first, so the schedule is saved once (one history row per change).
        schedule.periodic_task = _periodic_task_sync(schedule)
        schedule._change_reason = reason
        schedule.save()
        if creating:
            schedule.periodic_task.kwargs = json.dumps({"schedule_id": schedule.pk})
            schedule.periodic_task.save(update_fields=["kwargs"])
        if creating and actor is not None:
            from guardian.shortcuts import assign_perm

            for action in ("view", "change", "delete"):
                assign_perm(f"governance.{action}_reportschedule", actor, schedule)
    return schedule


def _periodic_task_sync(schedule: ReportSchedule) -> PeriodicTask:
    """The beat task of `schedule`, created or brought in line with it."""
    interval, _ = IntervalSchedule.objects.get_or_create(every=schedule.every,
                                                         period=schedule.period)
    task = schedule.periodic_task or PeriodicTask(task=SCHEDULED_REPORT_TASK)
    task.name = f"Report: {schedule.name}"
    task.interval = interval
    task.enabled = schedule.enabled
    task.kwargs = json.dumps({"schedule_id": schedule.pk})  # None until the first save
    task.description = f"Produces the {report_template_get(schedule.template).title} report."
    if task.start_time != schedule.starts_at:
        task.start_time, task.last_run_at = schedule.starts_at, None
    task.save()
    return task


def report_schedule_run(*, schedule_id: int, job_run: JobRun | None = None) -> dict:
    """What beat's task does: generate the schedule's report in its owner's name."""
    schedule = ReportSchedule.objects.select_related("owner").filter(pk=schedule_id).first()
    if schedule is None or not schedule.enabled:
        return {"skipped": "the schedule is gone or disabled"}
    report = report_generate(template_key=schedule.template, parameters=schedule.parameters,
                             format=schedule.format, actor=schedule.owner, schedule=schedule,
                             job_run=job_run)
    return {"report_id": report.pk, "sha256": report.sha256, "rows": report.row_count}


def next_run_at(schedule: ReportSchedule) -> datetime | None:
    """When beat will next produce the schedule's report (None when disabled)."""
    task = schedule.periodic_task
    if not schedule.enabled or task is None:
        return None
    step = timedelta(**{schedule.period: schedule.every})
    last = task.last_run_at
    if last is None or last < schedule.starts_at:
        return max(schedule.starts_at, timezone.now())
    return last + step
