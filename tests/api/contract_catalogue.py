"""Contract entries of the catalogue: assets, their versions, teams, the compliance-tag
vocabulary and each user's saved searches (appended to `RESOURCES` in contract.py).

Assets and versions are written through the catalogue services; saved searches belong to
the user who made them, so they are scoped by `owner_field` rather than by object grants.
"""

from __future__ import annotations

import itertools

from tests.api.contract import Resource
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    ComplianceTagFactory,
    DatasetFactory,
    DatasetVersionFactory,
    FeatureFactory,
    MLModelFactory,
    ModelVersionFactory,
    PipelineFactory,
    TeamFactory,
)
from tests.factories.search import SavedSearchFactory

__all__ = ["CATALOGUE_RESOURCES"]

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


def _asset(user, **fields) -> dict:
    """What every catalogue asset needs: a valid name, purpose, owner, team and domain."""
    return {"purpose": "Scores credit applications for default risk.",
            "owner": user.get_username(), "team": TeamFactory().pk, "domain": "credit",
            **fields}


def _model(user) -> dict:
    return _asset(user, name=f"credit-default-xgb{_n()}", risk_tier="medium",
                  training_date="2026-02-01", input_schema=VALID_INPUT_SCHEMA,
                  evaluation_metrics={"auc": 0.82}, training_environment="python 3.11",
                  inference_requirements="1 vCPU", tracked_artefacts=["model", "data"])


def _model_version(user) -> dict:
    # A monolithic model's version pins one bundle: the artefact with its SHA-256.
    return {"model": MLModelFactory(versioning_strategy="monolithic").pk,
            "artifact_uri": "s3://models/credit/1",
            "artifact_sha256": "a" * 64, "training_date": "2026-01-15",
            "input_schema": VALID_INPUT_SCHEMA, "evaluation_metrics": {"auc": 0.81},
            "training_environment": "python 3.11", "inference_requirements": "1 vCPU",
            "code_commit": "0123456789abcdef0123456789abcdef01234567"}


def _dataset_version(user) -> dict:
    return {"dataset": DatasetFactory().pk, "uri": f"s3://data/applications/{_n()}",
            "sha256": "b" * 64}


CATALOGUE_RESOURCES: list[Resource] = [
    Resource(
        name="models", route="inventory-api:mlmodel", factory=MLModelFactory,
        valid_payload=_model,
        update_payload=lambda obj, user: {"purpose": "Scores credit limit increases."},
        invalid_payload=lambda user: {**_model(user), "name": "Not A Valid Name!"},
        invalid_field="name", max_list_queries=10),
    Resource(
        name="model-versions", route="inventory-api:modelversion",
        factory=ModelVersionFactory, valid_payload=_model_version,
        delete_status=409,  # version numbers stay gap-free: a version alone is never deleted
        update_payload=lambda obj, user: {"description": "Retrained on the spring data."},
        invalid_payload=lambda user: {**_model_version(user), "artifact_sha256": "zz"},
        invalid_field="artifact_sha256", max_list_queries=12),
    Resource(
        name="datasets", route="inventory-api:dataset", factory=DatasetFactory,
        valid_payload=lambda user: _asset(user, name=f"credit-applications-v{_n()}",
                                          tracked_artefacts=["data"]),
        update_payload=lambda obj, user: {"purpose": "Credit applications, deduplicated."},
        invalid_payload=lambda user: _asset(user, name=f"credit-applications-v{_n()}", sensitivity="secret"),
        invalid_field="sensitivity", max_list_queries=10),
    Resource(
        name="dataset-versions", route="inventory-api:datasetversion",
        factory=DatasetVersionFactory, delete_status=405, valid_payload=_dataset_version,
        update_payload=lambda obj, user: {"row_count": 1200},
        invalid_payload=lambda user: {**_dataset_version(user), "schema": "x"},
        invalid_field="schema", max_list_queries=10),
    Resource(
        name="features", route="inventory-api:feature", factory=FeatureFactory,
        valid_payload=lambda user: _asset(user, name=f"credit-debt-ratio-v{_n()}",
                                          data_type="float", tracked_artefacts=["features"]),
        update_payload=lambda obj, user: {"purpose": "Debt to income ratio, capped at 10."},
        invalid_payload=lambda user: _asset(user, name="Debt Ratio!", data_type="float"),
        invalid_field="name", max_list_queries=10),
    Resource(
        name="pipelines", route="inventory-api:pipeline", factory=PipelineFactory,
        valid_payload=lambda user: _asset(user, name=f"credit-training-v{_n()}",
                                          repository_url="https://git.example.org/credit",
                                          orchestrator="airflow",
                                          tracked_artefacts=["pipeline_code"]),
        update_payload=lambda obj, user: {"orchestrator": "dagster"},
        invalid_payload=lambda user: _asset(user, name=f"credit-training-v{_n()}",
                                            repository_url="nope"),
        invalid_field="repository_url", max_list_queries=10),
    Resource(
        name="teams", route="inventory-api:team", factory=TeamFactory,
        valid_payload=lambda user: {"name": f"Fraud analytics {_n()}",
                                    "slug": f"fraud-analytics-{_n()}",
                                    "business_unit": "Retail banking"},
        update_payload=lambda obj, user: {"business_unit": "Corporate banking"},
        invalid_payload=lambda user: {"name": "Bad slug", "slug": "not a slug"},
        invalid_field="slug", max_list_queries=8),
    Resource(
        name="compliance-tags", route="inventory-api:compliancetag",
        factory=ComplianceTagFactory,
        valid_payload=lambda user: {"name": f"eu-ai-act-{_n()}",
                                    "description": "High-risk system under the EU AI Act."},
        update_payload=lambda obj, user: {"description": "Annex III high-risk system."},
        invalid_payload=lambda user: {"name": ""},
        invalid_field="name", max_list_queries=8),
    Resource(
        name="saved-searches", route="inventory-api:savedsearch", factory=SavedSearchFactory,
        owner_field="user", updatable=False, writer="data_scientist",
        valid_payload=lambda user: {"page": "inventory:mlmodel_list",
                                    "name": f"Production models {_n()}",
                                    "query": "stage=production"},
        update_payload=lambda obj, user: {"name": "Renamed"},
        invalid_payload=lambda user: {"page": "", "name": "Empty page", "query": "a=b"},
        invalid_field="page", max_list_queries=6),
]
