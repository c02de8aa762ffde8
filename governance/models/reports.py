"""Reports: stored documents rendered from a registered template, and their schedules.

A `Report` is evidence as generated: its bytes are kept in storage with their SHA-256, and
the row is never edited. A `ReportSchedule` is a governed record that owns one
django-celery-beat periodic task, so beat produces the report and the timing stays
editable in the admin (Periodic tasks) as well as on the reports page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from governance.choices import ReportFormat

__all__ = ["Report", "ReportQuerySet", "ReportSchedule", "SchedulePeriod"]


class SchedulePeriod(models.TextChoices):
    """Units of a schedule's interval (django-celery-beat's interval periods)."""

    DAYS = "days", "Days"
    HOURS = "hours", "Hours"
    MINUTES = "minutes", "Minutes"


class ReportScheduleQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("owner", "periodic_task", "periodic_task__interval")


class ReportSchedule(GovernedModel):
    """A report produced by beat every `every` `period`, in the name of its owner (whose
    permissions decide what the report may show)."""

    name = models.CharField(max_length=150, unique=True)
    template = models.CharField(max_length=60, db_index=True,
                                help_text="Which report (a registered report template).")
    parameters = models.JSONField(default=dict, blank=True)
    format = models.CharField(max_length=10, choices=ReportFormat.choices,
                              default=ReportFormat.PDF)
    every = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    period = models.CharField(max_length=10, choices=SchedulePeriod.choices,
                              default=SchedulePeriod.DAYS)
    starts_at = models.DateTimeField(help_text="When the first report is produced.")
    enabled = models.BooleanField(default=True, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="report_schedules",
                              help_text="Reports are produced in this person's name.")
    periodic_task = models.OneToOneField(PeriodicTask, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+",
                                         editable=False)

    objects = ReportScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(every__gte=1),
                                   name="reportschedule_every_positive",
                                   violation_error_message="A schedule runs at least once per period."),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:report_list") + f"?schedule={self.pk}"

    @property
    def cadence(self) -> str:
        unit = self.get_period_display().lower()
        return f"every {unit.rstrip('s')}" if self.every == 1 else f"every {self.every} {unit}"


class ReportQuerySet(models.QuerySet):
    """Append-only: a generated report is evidence and never changes."""

    def for_list(self):
        return self.select_related("requested_by", "schedule")

    def update(self, **kwargs):
        raise PermissionError("Generated reports are never changed.")


class Report(models.Model):
    """One generated document: what was asked, by whom, when, and the SHA-256 of its bytes."""

    template = models.CharField(max_length=60, db_index=True)
    title = models.CharField(max_length=300)
    format = models.CharField(max_length=10, choices=ReportFormat.choices, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="reports")
    requested_by_actor = models.CharField(max_length=200,
                                          help_text="Who asked, kept as text.")
    schedule = models.ForeignKey(ReportSchedule, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports")
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    generated_at = models.DateTimeField(db_index=True)
    storage_name = models.CharField(max_length=300, editable=False)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    row_count = models.PositiveIntegerField(default=0)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["template", "-generated_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()}, {self.generated_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Generated reports are never changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("governance:report_download", args=[self.pk])
