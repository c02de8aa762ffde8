"""Factories of the monitoring metrics records: roll-ups, batch receipts, thresholds,
retraining alerts and priority weights."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.utils import timezone

from inventory.choices import DecayDirection, MetricKind, ModelStage, RiskTier
from monitoring.choices import AlertStatus, BreachKind, Granularity
from monitoring.models import (
    MetricBatch,
    MetricRollup,
    MetricThreshold,
    PriorityWeights,
    RetrainingAlert,
)
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.users import UserFactory

_hours = itertools.count()


def _next_hour() -> datetime.datetime:
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    return base - datetime.timedelta(hours=next(_hours) % 10_000)


class MetricRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricRollup

    granularity = Granularity.HOUR
    bucket_start = factory.LazyFunction(_next_hour)
    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    name = "auc"
    kind = MetricKind.PERFORMANCE
    count = 4
    total = 3.2
    minimum = 0.78
    maximum = 0.82


class MetricBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricBatch

    submitted_by = factory.SubFactory(UserFactory)
    source = "prometheus"
    row_count = 2
    model_versions = factory.LazyFunction(list)
    first_observed_at = factory.LazyFunction(timezone.now)
    last_observed_at = factory.LazyFunction(timezone.now)


class MetricThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricThreshold

    model = factory.SubFactory(MLModelFactory)
    risk_tier = ""
    metric = factory.Sequence(lambda n: f"metric_{n}")
    direction = DecayDirection.BELOW
    limit = 0.7
    baseline_tolerance = 0.05
    decay_after_days = 7


class TierThresholdFactory(MetricThresholdFactory):
    model = None
    risk_tier = RiskTier.HIGH


class RetrainingAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetrainingAlert

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.PRODUCTION)
    metric = factory.Sequence(lambda n: f"metric_{n}")
    status = AlertStatus.OPEN
    breach = BreachKind.THRESHOLD
    current_value = 0.6
    limit = 0.7
    baseline = 0.8
    degradation = 0.25
    observations = 24
    opened_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)


class PriorityWeightsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityWeights
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"weights-{n}")
