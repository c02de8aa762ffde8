"""Residency rules flag model versions deployed outside their data's allowed regions; the
reproducibility record shows data checksums then and now, code and environment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import DeploymentStatus, ModelStage
from inventory.models import DatasetVersion
from inventory.services.versions import model_version_datasets_link
from lineage.choices import EdgeKind, NodeType
from lineage.models import IntegrityFinding, LineageEdge, LineageNode, ResidencyRule
from lineage.services.residency import residency_check
from tests.factories.catalogue import DatasetVersionFactory, ModelVersionFactory
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.lineage import IntegrityFindingFactory

pytestmark = pytest.mark.django_db


def _trained(*versions: DatasetVersion, **model_version):
    version = ModelVersionFactory(stage=ModelStage.REGISTERED, **model_version)
    model_version_datasets_link(version=version, actor=None, reason="t", links=[
        {"dataset_version": v, "role": "train"} for v in versions])
    return version


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


def test_dataset_links_are_mirrored_into_the_graph():
    data = DatasetVersionFactory()
    version = _trained(data)
    edge = LineageEdge.objects.get(kind=EdgeKind.TRAINED_ON)
    assert (edge.source.dataset_version, edge.target.model_version) == (data, version)
    model_version_datasets_link(version=version, actor=None, reason="t", links=[])
    assert not LineageEdge.objects.filter(kind=EdgeKind.TRAINED_ON).exists()
    assert LineageNode.objects.filter(node_type=NodeType.MODEL_VERSION).exists()


def test_reproducibility_record_flags_changes_and_gaps(platform_admin, api_client_for):
    same = DatasetVersionFactory(sha256="1" * 64)
    changed = DatasetVersionFactory(sha256="2" * 64)
    tampered = DatasetVersionFactory(sha256="3" * 64)
    version = _trained(same, changed, tampered, training_environment="")
    from core.models.governed import update_audited

    update_audited(DatasetVersion.objects.filter(pk=changed.pk), reason="t", sha256="4" * 64)
    IntegrityFindingFactory(dataset_version=tampered)

    answer = api_client_for(platform_admin).get(
        reverse("lineage-api:reproducibility", args=[version.pk]))
    assert answer.status_code == 200
    body = answer.json()
    assert body["reproducible"] is False
    assert body["code"]["commit"] == version.code_commit
    assert body["problems"] == ["No training environment is recorded."]
    rows = {row["datasetVersionId"]: row for row in body["datasets"]}
    assert rows[same.pk]["problems"] == []
    assert rows[changed.pk]["checksumThen"] == "2" * 64
    assert rows[changed.pk]["checksumNow"] == "4" * 64 and rows[changed.pk]["problems"]
    assert "integrity finding" in rows[tampered.pk]["problems"][0]


def test_reproducibility_of_a_version_without_data(platform_admin, api_client_for):
    version = ModelVersionFactory(code_commit="")
    body = api_client_for(platform_admin).get(
        reverse("lineage-api:reproducibility", args=[version.pk])).json()
    assert set(body["problems"]) == {"No training data is linked to this version.",
                                     "No code commit is recorded."}


def test_reproducibility_of_a_hidden_version_is_404(data_scientist, api_client_for):
    version = ModelVersionFactory(model__confidential=True)
    answer = api_client_for(data_scientist).get(
        reverse("lineage-api:reproducibility", args=[version.pk]))
    assert answer.status_code == 404
