"""Stored choice values of the platform (lower_snake values, plain-language labels)."""

from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    UPLOAD = "upload", "Uploaded"
    EXPORT = "export", "Exported"
    SEARCH = "search", "Searched"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the broker"
    SENT = "sent", "Handed to the broker"
    RUNNING = "running", "Running"
    DONE = "done", "Completed"
    FAILED = "failed", "Failed"


class AuditEventKind(models.TextChoices):
    HISTORY = "history", "Change to a record"
    ACCESS = "access", "Access"


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    UPLOAD = "upload", "Uploaded"
    EXPORT = "export", "Exported"
    SEARCH = "search", "Searched"
