"""Factories of evidence records: job runs and access events."""

import factory

from core.choices import AccessAction, JobStatus
from core.models import AccessEvent, JobRun


class JobRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRun

    name = factory.Sequence(lambda n: f"integrity-check-{n}")
    actor = "job:test"
    status = JobStatus.SUCCEEDED
    progress = 100


class AccessEventFactory(factory.django.DjangoModelFactory):
    """Access events are append-only; the factory only ever inserts."""

    class Meta:
        model = AccessEvent

    actor = "auditor"
    action = AccessAction.SEARCH
    query = "status=failed"
    result_count = 1
