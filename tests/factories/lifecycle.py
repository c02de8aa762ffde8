"""Factories of the lifecycle, retention, CI/CD and webhook records."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from inventory.choices import DeploymentEnvironment, ModelStage, TriggerKind
from inventory.models import (
    Deployment,
    DeprecationNotice,
    DeprecationRule,
    DeprecationSchedule,
    LegalHold,
    MetricObservation,
    PurgeRecord,
    RetentionPolicy,
    Webhook,
    WebhookDelivery,
)

from .catalogue import MLModelFactory, ModelVersionFactory

__all__ = [
    "DeploymentFactory",
    "DeprecationNoticeFactory",
    "DeprecationRuleFactory",
    "DeprecationScheduleFactory",
    "LegalHoldFactory",
    "MetricObservationFactory",
    "PurgeRecordFactory",
    "RetentionPolicyFactory",
    "WebhookDeliveryFactory",
    "WebhookFactory",
]


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    environment = DeploymentEnvironment.PRODUCTION
    region = factory.Sequence(lambda n: f"eu-west-{n}")
    segment = "retail"
    endpoint = "https://scoring.internal/v1"
    deployed_at = factory.LazyFunction(timezone.now)


class MetricObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricObservation

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    name = "auc"
    value = 0.8
    observed_at = factory.LazyFunction(timezone.now)
    source = "monitor"


class RetentionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionPolicy

    name = factory.Sequence(lambda n: f"Keep retired artifacts {n}")
    stage = ModelStage.RETIRED
    retain_days = 7 * 365 + 2


class LegalHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalHold

    reference = factory.Sequence(lambda n: f"CASE-{n:04d}")
    reason = "Litigation about credit decisions."
    model = factory.SubFactory(MLModelFactory)


class PurgeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurgeRecord

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.RETIRED)
    artifact_uri = factory.Sequence(lambda n: f"custodia://models/purged-{n}.bin")
    storage_name = factory.Sequence(lambda n: f"models/purged-{n}.bin")
    size = 10
    policy = factory.SubFactory(RetentionPolicyFactory)
    retained_until = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    actor = "job:inventory.retention_purge:1"


class DeprecationRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeprecationRule

    name = factory.Sequence(lambda n: f"AUC floor {n}")
    metric = "auc"
    threshold = 0.7
    consecutive = 3
    notice_days = 14


class DeprecationScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeprecationSchedule

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    notice_days = 14


class DeprecationNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeprecationNotice

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    trigger = TriggerKind.SCHEDULED
    target_stage = ModelStage.DEPRECATED
    reason = "Planned deprecation."
    effective_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    name = factory.Sequence(lambda n: f"registry-events-{n}")
    url = "https://hooks.example.org/custodia"
    secret = "s3cret-signing-key-0123456789"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    webhook = factory.SubFactory(WebhookFactory)
    event = "model_version.registered"
    payload = factory.LazyFunction(lambda: {"event": "model_version.registered", "data": {}})
