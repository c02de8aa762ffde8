"""Factories of platform records: groups, API tokens, schedules, the outbox, worker
heartbeats and explicit permission denials (one valid row each, for the admin tests)."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import TokenProxy

from core.models import OutboxMessage, PermissionDenial, WorkerHeartbeat

from .users import UserFactory

__all__ = [
    "ClockedScheduleFactory",
    "CrontabScheduleFactory",
    "GroupFactory",
    "IntervalScheduleFactory",
    "OutboxMessageFactory",
    "PeriodicTaskFactory",
    "PermissionDenialFactory",
    "SolarScheduleFactory",
    "TokenProxyFactory",
    "WorkerHeartbeatFactory",
]


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Reviewers {n}")


class TokenProxyFactory(factory.django.DjangoModelFactory):
    """An API token, as the admin lists it (keyed by its user)."""

    class Meta:
        model = TokenProxy

    user = factory.SubFactory(UserFactory)


class IntervalScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntervalSchedule

    every = factory.Sequence(lambda n: n + 1)
    period = IntervalSchedule.HOURS


class CrontabScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrontabSchedule

    minute = "0"
    hour = "3"


class SolarScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolarSchedule

    event = "sunrise"
    latitude = 51.5
    longitude = -0.12


class ClockedScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClockedSchedule

    clocked_time = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class PeriodicTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodicTask

    name = factory.Sequence(lambda n: f"nightly-check-{n}")
    task = "core.tasks.outbox_relay"
    interval = factory.SubFactory(IntervalScheduleFactory)


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    task_name = "core.tasks.outbox_relay"
    actor = "job:test"


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat

    hostname = factory.Sequence(lambda n: f"worker-{n}")
    last_seen = factory.LazyFunction(timezone.now)


class PermissionDenialFactory(factory.django.DjangoModelFactory):
    """An explicit denial of one action on one group to one user."""

    class Meta:
        model = PermissionDenial

    user = factory.SubFactory(UserFactory)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Group))
    object_id = factory.LazyFunction(lambda: str(GroupFactory().pk))
    action = "view"
    reason = "Conflict of interest."
