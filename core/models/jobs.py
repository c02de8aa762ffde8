"""Background work: job runs (evidence and progress), the outbox, worker heartbeats."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.choices import JobStatus, OutboxStatus

__all__ = ["JobRun", "OutboxMessage", "WorkerHeartbeat"]


class JobRun(models.Model):
    """One run of a background job: parameters, who started it, progress, log and outcome."""

    name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="job_runs")
    status = models.CharField(max_length=20, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent complete.")
    log = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "inventory_jobrun"  # the table predates the core app
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["name", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="jobrun_progress_at_most_100",
                                   violation_error_message="Progress is a percentage (0-100)."),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("core:jobrun_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class OutboxMessage(models.Model):
    """Work to hand to the broker once the write that caused it has committed.

    Written in the same transaction as the change, so a rolled-back request sends nothing,
    and a broker outage delays the work instead of failing or blocking the request.
    """

    task_name = models.CharField(max_length=200, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=OutboxStatus.choices,
                              default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "inventory_outboxmessage"  # the table predates the core app
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk} ({self.get_status_display()})"


class WorkerHeartbeat(models.Model):
    """Last sign of life of each Celery worker (written by the scheduled health job)."""

    hostname = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "inventory_workerheartbeat"  # the table predates the core app
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
