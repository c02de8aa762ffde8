"""Integrations: outgoing webhooks and their delivery log.

- `Webhook`: a receiver of registry events, with its signing secret.
- `WebhookDelivery` / `WebhookAttempt`: one event to one webhook, and every HTTP attempt
  to deliver it (the delivery log shown in the admin).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import DeliveryStatus, WebhookEvent

__all__ = [
    "WEBHOOK_EVENTS",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryQuerySet",
    "WebhookQuerySet",
]

WEBHOOK_EVENTS = frozenset(WebhookEvent.values)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("created_by")


class Webhook(GovernedModel):
    """An HTTP receiver of registry events; every body is signed with its secret (HMAC-SHA256)."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, default=_new_secret,
                              help_text="Shared secret the signature is computed with.")
    events = models.JSONField(default=list, help_text="Event names to send; empty: every event.")
    active = models.BooleanField(default=True, db_index=True)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = WebhookQuerySet.as_manager()
    # The signing secret is shown once, on creation, and never kept in the history.
    history_excluded_fields = ("secret",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1, max_attempts__lte=20),
                                   name="webhook_attempts_between_1_and_20",
                                   violation_error_message="Between 1 and 20 attempts."),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:inventory_webhook_change", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if not isinstance(self.events, list) or not all(isinstance(e, str) for e in self.events):
            errors["events"] = ["A list of event names."]
        elif unknown := sorted(set(self.events) - WEBHOOK_EVENTS):
            errors["events"] = [f"Unknown event(s) {', '.join(unknown)}; choose from "
                                f"{', '.join(sorted(WEBHOOK_EVENTS))}."]
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            errors["url"] = ["Webhooks are delivered over HTTP(S): the URL starts with "
                             "https:// (or http:// inside a trusted network)."]
        if len(self.secret or "") < 16:
            errors["secret"] = ["A signing secret has at least 16 characters."]
        if errors:
            raise ValidationError(errors)

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDeliveryQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("webhook").prefetch_related("attempt_log")


class WebhookDelivery(models.Model):
    """One event for one webhook: its payload, status and retry schedule."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                                   help_text="Sent as X-Custodia-Delivery; the same on retries.")
    event = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.get_status_display()})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: when, the answer (or the error), how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField(auto_now_add=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2,000 characters.")
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"],
                                    name="webhookattempt_unique_number",
                                    violation_error_message="This attempt is already logged."),
        ]

    def __str__(self) -> str:
        outcome = self.response_status or self.error[:40]
        return f"Attempt {self.number} of {self.delivery}: {outcome}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
