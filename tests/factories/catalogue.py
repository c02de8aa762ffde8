"""Factories of the catalogue: complete, valid assets by default.

Each default value satisfies the default metadata standard and naming convention, so a
test that checks one rule passes the values that rule depends on and nothing else
changes. Factories write through the ORM (history rows without a user); tests of the
services' audit trail call the services instead.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from inventory.choices import ModelStage, Origin, Redistribution, RiskTier
from inventory.models import (
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Feature,
    MLModel,
    ModelVersion,
    Pipeline,
    Tag,
    Team,
)

__all__ = [
    "VALID_INPUT_SCHEMA",
    "ComplianceTagFactory",
    "DatasetFactory",
    "DatasetVersionFactory",
    "FeatureFactory",
    "MLModelFactory",
    "ModelVersionFactory",
    "PipelineFactory",
    "TagFactory",
    "TeamFactory",
]

VALID_INPUT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"income": {"type": "number"}, "age": {"type": "integer"}},
    "required": ["income"],
}
VALID_OUTPUT_SCHEMA = {"type": "object", "properties": {"score": {"type": "number"}}}


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    business_unit = "Retail banking"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        for user in extracted or ():
            self.members.add(user)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class ComplianceTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceTag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"regulation-{n}")
    description = "A controlled compliance tag."


def default_owner():
    """One shared owner for assets whose owner the test does not care about (hashing a
    password per asset would make the query-count tests slow)."""
    user, _ = get_user_model().objects.get_or_create(
        username="asset-owner", defaults={"email": "asset-owner@example.org"})
    return user


class _AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        skip_postgeneration_save = True

    purpose = "Scores credit applications for default risk."
    description = "Gradient-boosted trees on bureau and application data."
    owner = factory.LazyFunction(default_owner)
    team = factory.SubFactory(TeamFactory)
    domain = "credit"
    confidential = False

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.tags.add(Tag.objects.get_or_create(name=name)[0])

    @factory.post_generation
    def compliance_tags(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.compliance_tags.add(ComplianceTag.objects.get_or_create(name=name)[0])


class MLModelFactory(_AssetFactory):
    class Meta:
        model = MLModel
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"credit-scoring-v{n}")
    stage = ModelStage.REGISTERED
    risk_tier = RiskTier.MEDIUM
    origin = Origin.INTERNAL
    redistribution = Redistribution.NOT_APPLICABLE
    training_date = datetime.date(2026, 1, 15)
    input_schema = factory.LazyFunction(lambda: dict(VALID_INPUT_SCHEMA))
    output_schema = factory.LazyFunction(lambda: dict(VALID_OUTPUT_SCHEMA))
    evaluation_metrics = factory.LazyFunction(lambda: {"auc": 0.81, "f1": 0.7})
    training_environment = "python 3.11, xgboost 2.0, 8 vCPU"
    inference_requirements = "1 vCPU, 2 GiB RAM, p99 < 50 ms"
    tracked_artefacts = factory.LazyFunction(lambda: ["model", "data"])


class ModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVersion

    model = factory.SubFactory(MLModelFactory)
    version = factory.LazyAttribute(
        lambda o: (o.model.versions.order_by("-version").values_list("version", flat=True)
                   .first() or 0) + 1)
    stage = ModelStage.REGISTERED
    artifact_uri = factory.LazyAttribute(lambda o: f"s3://models/{o.model.name}/{o.version}")
    artifact_sha256 = "a" * 64
    training_date = datetime.date(2026, 1, 15)
    input_schema = factory.LazyFunction(lambda: dict(VALID_INPUT_SCHEMA))
    output_schema = factory.LazyFunction(lambda: dict(VALID_OUTPUT_SCHEMA))
    evaluation_metrics = factory.LazyFunction(lambda: {"auc": 0.81})
    training_environment = "python 3.11"
    inference_requirements = "1 vCPU"
    code_commit = "0123456789abcdef0123456789abcdef01234567"
    environment_digest = "sha256:" + "e" * 64


class PinnedModelVersionFactory(ModelVersionFactory):
    """A version that also pins its data (a linked training dataset version with its
    SHA-256), so it may move forward under the granular versioning strategy. Frozen
    versions get no link: their links can no longer be written."""

    class Meta:
        model = ModelVersion
        skip_postgeneration_save = True

    @factory.post_generation
    def training_data(self, create: bool, extracted, **kwargs) -> None:
        from inventory.models import FROZEN_STAGES, ModelVersionDataset

        if not create or self.stage in FROZEN_STAGES:
            return
        data = extracted or DatasetVersionFactory(sha256="d" * 64)
        ModelVersionDataset(model_version=self, dataset_version=data, role="train",
                            checksum_at_link=data.sha256, size_at_link=data.size).save()


class DatasetFactory(_AssetFactory):
    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"credit-applications-raw{n}")
    purpose = "Credit applications as received."
    tracked_artefacts = factory.LazyFunction(lambda: ["data"])


class DatasetVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatasetVersion

    dataset = factory.SubFactory(DatasetFactory)
    version = factory.LazyAttribute(
        lambda o: (o.dataset.versions.order_by("-version").values_list("version", flat=True)
                   .first() or 0) + 1)
    uri = factory.LazyAttribute(lambda o: f"s3://data/{o.dataset.name}/{o.version}")
    sha256 = "b" * 64


class FeatureFactory(_AssetFactory):
    class Meta:
        model = Feature
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"credit-debt-ratio{n}")
    purpose = "Debt to income ratio."
    data_type = "float"
    tracked_artefacts = factory.LazyFunction(lambda: ["features"])


class PipelineFactory(_AssetFactory):
    class Meta:
        model = Pipeline
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"credit-scoring-training{n}")
    purpose = "Trains the credit scoring models nightly."
    repository_url = "https://git.example.org/credit/scoring"
    orchestrator = "airflow"
    tracked_artefacts = factory.LazyFunction(lambda: ["pipeline_code"])
