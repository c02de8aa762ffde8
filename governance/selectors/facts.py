"""What the inventory knows about a batch of models, read in a fixed number of queries.

Applicability rules and evidence checks read `ModelFacts`, never the database: the full
recompute loads a batch of models with the same seven queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from inventory.models import (
    RUNNING_STATUSES,
    Dataset,
    Deployment,
    MetricObservation,
    MLModel,
    ModelVersion,
    ModelVersionDataset,
)
from lineage.choices import FindingStatus
from lineage.models import IntegrityFinding

__all__ = ["MONITORING_WINDOW", "DatasetFacts", "ModelFacts", "VersionFacts",
           "model_facts_load"]

# A running model counts as monitored when a metric was reported within this window.
MONITORING_WINDOW = timedelta(days=90)

_MODEL_FIELDS = ("pk", "name", "domain", "risk_tier", "purpose_category", "origin", "stage",
                 "automated_decisions", "purpose", "description", "owner_id", "steward_id",
                 "human_oversight", "impact_assessment_url", "licence", "supplier",
                 "input_schema", "output_schema", "evaluation_metrics",
                 "training_environment")
_VERSION_FIELDS = ("pk", "model_id", "version", "stage", "artifact_sha256", "code_commit",
                   "input_schema", "output_schema", "evaluation_metrics",
                   "training_environment")
_DATASET_FIELDS = ("pk", "name", "sensitivity", "residency_region", "consent_basis",
                   "collection_method", "known_biases", "limitations")


@dataclass(frozen=True)
class VersionFacts:
    pk: int
    version: int
    stage: str
    artifact_sha256: str
    code_commit: str
    input_schema: Any
    output_schema: Any
    evaluation_metrics: dict
    training_environment: str


@dataclass(frozen=True)
class DatasetFacts:
    pk: int
    name: str
    sensitivity: str
    residency_region: str
    consent_basis: str
    collection_method: str
    known_biases: str
    limitations: str


@dataclass
class ModelFacts:
    """One model as the compliance rules see it."""

    pk: int
    name: str
    domain: str
    risk_tier: str
    purpose_category: str
    origin: str
    stage: str
    automated_decisions: bool
    purpose: str
    description: str
    owner_id: int | None
    steward_id: int | None
    human_oversight: str
    impact_assessment_url: str
    licence: str
    supplier: str
    input_schema: Any
    output_schema: Any
    evaluation_metrics: dict
    training_environment: str
    latest: VersionFacts | None = None
    datasets: list[DatasetFacts] = field(default_factory=list)
    deployment_regions: set[str] = field(default_factory=set)
    deployment_environments: set[str] = field(default_factory=set)
    metrics_reported_recently: bool = False
    open_findings: int = 0

    @property
    def deployed(self) -> bool:
        return bool(self.deployment_environments)

    def rule_facts(self) -> dict[str, Any]:
        """The facts applicability rules test (`governance.applicability.FACTS`)."""
        return {
            "domain": self.domain, "risk_tier": self.risk_tier,
            "purpose_category": self.purpose_category, "origin": self.origin,
            "stage": self.stage, "automated_decisions": self.automated_decisions,
            "deployed": self.deployed,
            "data_sensitivity": {d.sensitivity for d in self.datasets},
            "data_regions": {d.residency_region for d in self.datasets if d.residency_region},
            "deployment_regions": set(self.deployment_regions),
        }


def model_facts_load(model_ids: Iterable[int]) -> dict[int, ModelFacts]:
    """Facts of each model in `model_ids` (missing ids are left out), in seven queries."""
    ids = list(model_ids)
    facts = {row["pk"]: ModelFacts(**row) for row in
             MLModel.objects.filter(pk__in=ids).values(*_MODEL_FIELDS)}
    if not facts:
        return {}
    _attach_latest_versions(facts)
    _attach_datasets(facts)
    _attach_deployments(facts)
    _attach_monitoring(facts)
    return facts


def _attach_latest_versions(facts: dict[int, ModelFacts]) -> None:
    rows = (ModelVersion.objects.filter(model_id__in=list(facts))
            .order_by("model_id", "-version").values(*_VERSION_FIELDS))
    for row in rows:
        model = facts[row.pop("model_id")]
        if model.latest is None:
            model.latest = VersionFacts(**row)


def _attach_datasets(facts: dict[int, ModelFacts]) -> None:
    links = (ModelVersionDataset.objects.filter(model_version__model_id__in=list(facts))
             .values_list("model_version__model_id", "dataset_version__dataset_id").distinct())
    by_model: dict[int, set[int]] = defaultdict(set)
    for model_id, dataset_id in links:
        by_model[model_id].add(dataset_id)
    wanted = set().union(*by_model.values()) if by_model else set()
    datasets = {row["pk"]: DatasetFacts(**row) for row in
                Dataset.objects.filter(pk__in=wanted).values(*_DATASET_FIELDS)}
    for model_id, dataset_ids in by_model.items():
        facts[model_id].datasets = sorted((datasets[i] for i in dataset_ids if i in datasets),
                                          key=lambda d: d.name)


def _attach_deployments(facts: dict[int, ModelFacts]) -> None:
    rows = (Deployment.objects.filter(model_version__model_id__in=list(facts),
                                      status__in=RUNNING_STATUSES)
            .values_list("model_version__model_id", "region", "environment").distinct())
    for model_id, region, environment in rows:
        if region:
            facts[model_id].deployment_regions.add(region.lower())
        facts[model_id].deployment_environments.add(environment)


def _attach_monitoring(facts: dict[int, ModelFacts]) -> None:
    since = timezone.now() - MONITORING_WINDOW
    reported = (MetricObservation.objects.filter(model_version__model_id__in=list(facts),
                                                 observed_at__gte=since)
                .values_list("model_version__model_id", flat=True).distinct())
    for model_id in reported:
        facts[model_id].metrics_reported_recently = True
    findings = (IntegrityFinding.objects.filter(status=FindingStatus.OPEN,
                                                model_version__model_id__in=list(facts))
                .values("model_version__model_id").annotate(count=Count("pk")))
    for row in findings:
        facts[row["model_version__model_id"]].open_findings = row["count"]
