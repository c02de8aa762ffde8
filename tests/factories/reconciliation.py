"""Factories of reconciliation records: listings of reality and findings."""

import datetime

import factory

from governance.choices import FindingKind, RealitySourceKind
from governance.models import Finding, RealityItem, RealityListing
from tests.factories.catalogue import MLModelFactory


class RealityListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RealityListing

    kind = RealitySourceKind.SERVING_PLATFORM
    source = factory.Sequence(lambda n: f"serving-platform-{n}")
    item_count = 0


class RealityItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RealityItem

    listing = factory.SubFactory(RealityListingFactory)
    model_name = factory.Sequence(lambda n: f"shadow-model-{n}")
    version = 1
    environment = "production"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    key = factory.Sequence(lambda n: f"stale:test-{n}")
    kind = FindingKind.STALE
    model = factory.SubFactory(MLModelFactory)
    subject = factory.LazyAttribute(lambda f: f.model.name)
    detail = "Not reviewed within the period its risk tier requires."
    remediation = "Review the model and record the review."
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
