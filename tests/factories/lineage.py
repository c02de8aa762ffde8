"""Factories of lineage records."""

import factory

from lineage.choices import FindingKind
from lineage.models import IntegrityFinding
from tests.factories.catalogue import DatasetVersionFactory


class IntegrityFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegrityFinding

    kind = FindingKind.CHECKSUM_MISMATCH
    dataset_version = factory.SubFactory(DatasetVersionFactory)
    expected_sha256 = "b" * 64
    observed_sha256 = "c" * 64
    detail = "The bytes no longer match the checksum recorded at registration."
