"""Factories of lineage records."""

import factory
from django.utils import timezone

from lineage.choices import FindingKind
from lineage.models import IntegrityFinding, LineageEvent, LineageNode, ResidencyRule
from tests.factories.catalogue import DatasetVersionFactory


class IntegrityFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegrityFinding

    kind = FindingKind.CHECKSUM_MISMATCH
    dataset_version = factory.SubFactory(DatasetVersionFactory)
    expected_sha256 = "b" * 64
    observed_sha256 = "c" * 64
    detail = "The bytes no longer match the checksum recorded at registration."


class ResidencyRuleFactory(factory.django.DjangoModelFactory):
    """Where data of one region may be used."""

    class Meta:
        model = ResidencyRule

    data_region = factory.Sequence(lambda n: f"eu-{n}")
    allowed_regions = factory.LazyFunction(lambda: ["eu-west-1"])


class LineageEventFactory(factory.django.DjangoModelFactory):
    """A received OpenLineage run event (the raw evidence)."""

    class Meta:
        model = LineageEvent

    event_hash = factory.Sequence(lambda n: f"{n:064x}")
    event_type = "COMPLETE"
    event_time = factory.LazyFunction(timezone.now)
    run_id = factory.Sequence(lambda n: f"00000000-0000-4000-8000-{n:012d}")
    job_namespace = "airflow"
    job_name = "credit.train"
    payload = factory.LazyFunction(lambda: {"eventType": "COMPLETE"})


class LineageNodeFactory(factory.django.DjangoModelFactory):
    """A node of the lineage graph (an external dataset by default)."""

    class Meta:
        model = LineageNode

    node_type = "dataset"
    namespace = "s3://warehouse"
    name = factory.Sequence(lambda n: f"bureau/records-{n}")
