"""Factories of reports and report schedules."""

import factory
from django.utils import timezone

from governance.choices import ReportFormat
from governance.models import Report, ReportSchedule
from tests.factories.users import UserFactory


class ReportScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportSchedule

    name = factory.Sequence(lambda n: f"Monthly register {n}")
    template = "inventory-register"
    format = ReportFormat.PDF
    starts_at = factory.LazyFunction(timezone.now)
    owner = factory.SubFactory(UserFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    """A stored report row (its bytes are not written: tests that download generate one)."""

    class Meta:
        model = Report

    template = "inventory-register"
    title = "Model inventory register"
    format = ReportFormat.CSV
    requested_by_actor = "system"
    generated_at = factory.LazyFunction(timezone.now)
    storage_name = factory.Sequence(lambda n: f"reports/test/{n}.csv")
    sha256 = "a" * 64
    size = 10
