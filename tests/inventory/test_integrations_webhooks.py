"""Outgoing webhooks: events, HMAC signatures, retries with back-off, the delivery log."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import OutboxMessage
from inventory.choices import DeliveryStatus, ModelStage
from inventory.models import WebhookDelivery
from inventory.services import integrations
from inventory.services.versions import model_version_transition
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.lifecycle import WebhookFactory
from tests.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.django_db

SECRET = "receiver-shared-secret-0123456789"


def test_signature_round_trip_and_tampering():
    body = b'{"event":"model_version.registered"}'
    now = int(time.time())
    header = integrations.webhook_signature(secret=SECRET, body=body, timestamp=now)
    assert header.startswith(f"t={now},v1=")
    assert integrations.webhook_signature_verify(secret=SECRET, body=body, header=header)
    assert not integrations.webhook_signature_verify(secret=SECRET, body=body + b" ", header=header)
    assert not integrations.webhook_signature_verify(secret="another-secret-0123456789", body=body,
                                                 header=header)
    assert not integrations.webhook_signature_verify(secret=SECRET, body=body, header=header,
                                                 now=now + 3600), "replayed an hour later"
    assert not integrations.webhook_signature_verify(secret=SECRET, body=body, header="garbage")


def test_event_reaches_only_active_webhooks_that_want_it(django_capture_on_commit_callbacks):
    wanted = WebhookFactory(events=["model_version.stage_changed"])
    WebhookFactory(events=["alias.moved"])
    WebhookFactory(events=[], active=False)
    every = WebhookFactory(events=[])

    with django_capture_on_commit_callbacks():
        deliveries = integrations.webhook_event_emit(event="model_version.stage_changed",
                                                 data={"x": 1})

    assert {d.webhook for d in deliveries} == {wanted, every}
    assert OutboxMessage.objects.filter(task_name="inventory.webhook_deliver").count() == 2
    payload = deliveries[0].payload
    assert (payload["event"], payload["data"], payload["id"]) == (
        "model_version.stage_changed", {"x": 1}, str(deliveries[0].delivery_id))
    with pytest.raises(ValueError):
        integrations.webhook_event_emit(event="no.such.event", data={})


def test_stage_change_and_deprecation_become_events(django_capture_on_commit_callbacks,
                                                     model_owner):
    WebhookFactory(events=[])
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    with django_capture_on_commit_callbacks(execute=True):
        model_version_transition(version=version, to_stage=ModelStage.DEPRECATED, actor=None,
                                 reason="Superseded by v2")
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["model_version.deprecated", "model_version.stage_changed"]
    data = WebhookDelivery.objects.get(event="model_version.deprecated").payload["data"]
    assert (data["from_stage"], data["to_stage"], data["reason"]) == (
        "production", "deprecated", "Superseded by v2")
    assert data["model_version"]["id"] == version.pk


def test_delivery_is_signed_retried_after_500_and_logged(settings):
    settings.CUSTODIA_WEBHOOK_BACKOFF_SECONDS = 60
    with webhook_receiver(SECRET, statuses=[500]) as receiver:
        webhook = WebhookFactory(url=receiver.url, secret=SECRET, max_attempts=3)
        delivery = integrations.webhook_event_emit(event="model_version.registered",
                                               data={"model_version": {"id": 1}})[0]

        first = integrations.webhook_delivery_attempt(delivery_id=delivery.pk)
        assert (first.status, first.attempts, first.last_response_status) == (
            DeliveryStatus.RETRYING, 1, 500)
        assert timezone.now() + datetime.timedelta(seconds=55) < first.next_attempt_at
        assert integrations.webhook_deliveries_due() == 0, "back-off not elapsed"

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert integrations.webhook_deliveries_due() == 1
        second = integrations.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (second.status, second.attempts, second.last_response_status) == (
        DeliveryStatus.SUCCEEDED, 2, 200)
    assert [r.signature_valid for r in receiver.requests] == [True, True]
    assert {r.headers["X-Custodia-Delivery"] for r in receiver.requests} == {
        str(delivery.delivery_id)}
    assert receiver.requests[0].headers["X-Custodia-Event"] == "model_version.registered"
    assert receiver.requests[1].json["data"] == {"model_version": {"id": 1}}
    log = list(second.attempt_log.values_list("number", "response_status"))
    assert log == [(1, 500), (2, 200)]
    assert integrations.webhook_delivery_attempt(delivery_id=delivery.pk) is None, "done is done"
    assert webhook.deliveries.count() == 1


def test_delivery_gives_up_after_max_attempts_and_logs_connection_errors():
    webhook = WebhookFactory(url="http://127.0.0.1:9/unreachable", max_attempts=2)
    delivery = integrations.webhook_event_emit(event="alias.moved", data={})[0]
    integrations.webhook_delivery_attempt(delivery_id=delivery.pk)
    final = integrations.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert (final.status, final.attempts) == (DeliveryStatus.FAILED, 2)
    assert final.last_error and final.completed_at is not None
    assert all(a.error and a.response_status is None for a in final.attempt_log.all())
    assert webhook.deliveries.get().status == DeliveryStatus.FAILED


def test_webhook_validation():
    bad = WebhookFactory.build(events=["model_version.exploded"], secret="short")
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert {"events", "secret"} <= set(refused.value.message_dict)


def test_alias_set_moved_and_removed_become_events(django_capture_on_commit_callbacks,
                                                   platform_admin):
    from inventory.services.branches import model_alias_delete, model_alias_set

    WebhookFactory(events=["alias.moved"])
    first = ModelVersionFactory(stage=ModelStage.STAGING)
    second = ModelVersionFactory(model=first.model, stage=ModelStage.STAGING)
    with django_capture_on_commit_callbacks(execute=True):
        alias = model_alias_set(model=first.model, name="challenger", version=first,
                                actor=platform_admin, reason="First candidate")
        model_alias_set(model=first.model, name="challenger", version=second,
                        actor=platform_admin, reason="Better candidate")
        model_alias_delete(alias=alias, actor=platform_admin, reason="Experiment over")

    payloads = [d.payload["data"] for d in WebhookDelivery.objects.order_by("id")]
    assert [(p["from_version"] and p["from_version"]["id"],
             p["to_version"] and p["to_version"]["id"], p["reason"]) for p in payloads] == [
        (None, first.pk, "First candidate"), (first.pk, second.pk, "Better candidate"),
        (second.pk, None, "Experiment over")]
    assert {p["alias"]["name"] for p in payloads} == {"challenger"}


def test_only_http_receivers():
    with pytest.raises(ValidationError) as refused:
        WebhookFactory.build(url="ftp://files.example.org/hook").full_clean()
    assert "url" in refused.value.message_dict


def test_old_idempotency_keys_are_forgotten(settings, data_scientist):
    from core.models import IdempotencyRecord
    from core.services.idempotency import idempotency_prune

    settings.CUSTODIA_IDEMPOTENCY_KEEP_DAYS = 7
    old = IdempotencyRecord.objects.create(user=data_scientist, scope="s", key="old",
                                           request_hash="h", response_status=201)
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8))
    IdempotencyRecord.objects.create(user=data_scientist, scope="s", key="new",
                                     request_hash="h", response_status=201)
    assert idempotency_prune() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
