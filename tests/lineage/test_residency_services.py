"""Residency rules flag model versions deployed outside their data's allowed regions."""

from __future__ import annotations

import pytest

from inventory.choices import DeploymentStatus
from lineage.models import IntegrityFinding, ResidencyRule
from lineage.services.residency import residency_check
from tests.factories.catalogue import DatasetVersionFactory
from tests.factories.lifecycle import DeploymentFactory
from tests.lineage.conftest import _trained

pytestmark = pytest.mark.django_db


def test_eu_data_deployed_outside_allowed_regions_is_flagged_once():
    ResidencyRule.objects.create(data_region="eu", allowed_regions=["eu-west-1", "eu-central-1"])
    eu_data = DatasetVersionFactory(dataset__residency_region="eu")
    us_data = DatasetVersionFactory(dataset__residency_region="us")
    breaking = _trained(eu_data)
    fine = _trained(eu_data)
    elsewhere = _trained(us_data)
    DeploymentFactory(model_version=breaking, region="us-east-1")
    DeploymentFactory(model_version=breaking, region="eu-west-1")
    DeploymentFactory(model_version=fine, region="EU-CENTRAL-1")
    DeploymentFactory(model_version=elsewhere, region="us-east-1")
    stopped = _trained(eu_data)
    DeploymentFactory(model_version=stopped, region="ap-south-1", status=DeploymentStatus.STOPPED)

    assert residency_check() == {"violating_versions": 1, "new_findings": 1}
    finding = IntegrityFinding.objects.get()
    assert finding.model_version == breaking and "us-east-1" in finding.detail
    assert residency_check()["new_findings"] == 0
