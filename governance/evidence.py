"""Evidence checks: named tests of what the inventory holds, which requirements cite.

A requirement lists the checks whose passing shows it is met (`Requirement.evidence_checks`).
Each check reads a model's `ModelFacts` and returns what is missing, each item saying where
it is closed (the page where the missing field is filled). Other governance modules
register their own checks from their app's `ready()`:

    register_evidence_check(EvidenceCheck(
        name="production_approval", label="Promotion to production approved",
        how_to_close="Request and obtain the approvals the model's risk tier needs.",
        test=lambda facts: [] if ... else [Missing("No approval recorded.", url)]))

Checks must read only `ModelFacts` (loaded in bulk), never the database, so that a full
recompute costs the same number of queries for ten models or ten thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from governance.selectors.facts import ModelFacts
from inventory.choices import SENSITIVE_CLASSES, DeploymentEnvironment, ModelStage, Origin

__all__ = ["EvidenceCheck", "Missing", "evidence_check", "evidence_check_names",
           "evidence_checks", "register_evidence_check"]


@dataclass(frozen=True)
class Missing:
    """One thing a model lacks, and the page where it is put right."""

    detail: str
    url: str = ""


@dataclass(frozen=True)
class EvidenceCheck:
    """A named test of a model's facts; an empty list from `test` means it passed."""

    name: str
    label: str  # what passing shows, e.g. "Human oversight described"
    how_to_close: str  # what a person does to close the gap, in plain words
    test: Callable[[ModelFacts], list[Missing]]


_checks: dict[str, EvidenceCheck] = {}


def register_evidence_check(check: EvidenceCheck) -> None:
    """Make `check` available to requirements (registering a name again replaces it)."""
    _checks[check.name] = check


def evidence_checks() -> dict[str, EvidenceCheck]:
    return dict(_checks)


def evidence_check_names() -> set[str]:
    return set(_checks)


def evidence_check(name: str) -> EvidenceCheck | None:
    return _checks.get(name)


# --------------------------------------------------------------------------------------
# Built-in checks on the inventory
# --------------------------------------------------------------------------------------
def _model_edit(facts: ModelFacts, field: str) -> str:
    return reverse("inventory:mlmodel_edit", args=[facts.pk]) + f"#id_{field}"


def _dataset_edit(dataset_id: int, field: str) -> str:
    return reverse("inventory:dataset_edit", args=[dataset_id]) + f"#id_{field}"


def _versions(facts: ModelFacts) -> str:
    return reverse("inventory:mlmodel_detail", args=[facts.pk]) + "#versions"


def _model_field(field: str, missing: str) -> Callable[[ModelFacts], list[Missing]]:
    def test(facts: ModelFacts) -> list[Missing]:
        value = getattr(facts, field)
        return [] if value not in (None, "", {}, []) else [Missing(missing,
                                                                   _model_edit(facts, field))]
    return test


def _owner_and_steward(facts: ModelFacts) -> list[Missing]:
    missing = []
    if facts.owner_id is None:
        missing.append(Missing("No accountable owner is named.", _model_edit(facts, "owner")))
    if facts.steward_id is None:
        missing.append(Missing("No steward is named.", _model_edit(facts, "steward")))
    return missing


def _training_data_linked(facts: ModelFacts) -> list[Missing]:
    if facts.latest is None:
        return [Missing("No version is registered.", _versions(facts))]
    return [] if facts.datasets else [Missing(
        "No version records the dataset versions it was trained, validated or tested on.",
        _versions(facts))]


def _datasets_missing(field: str, what: str, only_sensitive: bool = False):
    def test(facts: ModelFacts) -> list[Missing]:
        return [Missing(f"Dataset “{d.name}” has no {what}.", _dataset_edit(d.pk, field))
                for d in facts.datasets
                if not getattr(d, field).strip()
                and (not only_sensitive or d.sensitivity in SENSITIVE_CLASSES)]
    return test


def _datasheet(facts: ModelFacts) -> list[Missing]:
    missing = []
    for dataset in facts.datasets:
        if not dataset.known_biases.strip():
            missing.append(Missing(f"Dataset “{dataset.name}” has no known biases recorded.",
                                   _dataset_edit(dataset.pk, "known_biases")))
        if not dataset.limitations.strip():
            missing.append(Missing(f"Dataset “{dataset.name}” has no limitations recorded.",
                                   _dataset_edit(dataset.pk, "limitations")))
    return missing


def _schemas(facts: ModelFacts) -> list[Missing]:
    source = facts.latest or facts
    missing = []
    if not (source.input_schema or facts.input_schema):
        missing.append(Missing("No input schema is recorded.", _model_edit(facts, "input_schema")))
    if not (source.output_schema or facts.output_schema):
        missing.append(Missing("No output schema is recorded.",
                               _model_edit(facts, "output_schema")))
    return missing


def _evaluation(facts: ModelFacts) -> list[Missing]:
    latest = facts.latest.evaluation_metrics if facts.latest else {}
    return [] if (latest or facts.evaluation_metrics) else [Missing(
        "No evaluation metrics are recorded.", _model_edit(facts, "evaluation_metrics"))]


def _reproducible(facts: ModelFacts) -> list[Missing]:
    if facts.latest is None:
        return [Missing("No version is registered.", _versions(facts))]
    missing = []
    if not facts.latest.artifact_sha256:
        missing.append(Missing(f"Version {facts.latest.version} has no artefact checksum.",
                               _versions(facts)))
    if not facts.latest.code_commit:
        missing.append(Missing(f"Version {facts.latest.version} names no code commit.",
                               _versions(facts)))
    if not (facts.latest.training_environment or facts.training_environment):
        missing.append(Missing("No training environment is described.",
                               _model_edit(facts, "training_environment")))
    return missing


_STAGES = list(ModelStage.values)


def _validated(facts: ModelFacts) -> list[Missing]:
    if facts.latest is None:
        return [Missing("No version is registered.", _versions(facts))]
    if _STAGES.index(facts.latest.stage) >= _STAGES.index(ModelStage.VALIDATED):
        return []
    return [Missing(f"Version {facts.latest.version} has not been validated (it is "
                    f"{ModelStage(facts.latest.stage).label.lower()}).", _versions(facts))]


def _monitored(facts: ModelFacts) -> list[Missing]:
    if DeploymentEnvironment.PRODUCTION not in facts.deployment_environments:
        return []  # nothing runs in production: there is nothing to monitor yet
    if facts.metrics_reported_recently:
        return []
    return [Missing("It runs in production but no metric was reported in the last 90 days.",
                    reverse("inventory:mlmodel_detail", args=[facts.pk]))]


def _no_open_findings(facts: ModelFacts) -> list[Missing]:
    if not facts.open_findings:
        return []
    return [Missing(f"{facts.open_findings} open integrity or residency finding(s).",
                    reverse("lineage:finding_list") + "?status=open")]


def _third_party(facts: ModelFacts) -> list[Missing]:
    if facts.origin == Origin.INTERNAL:
        return []
    missing = []
    if not facts.supplier:
        missing.append(Missing("The supplier of this third-party model is not named.",
                               _model_edit(facts, "supplier")))
    if not facts.licence:
        missing.append(Missing("Its licence is not recorded.", _model_edit(facts, "licence")))
    return missing


def _oversight(facts: ModelFacts) -> list[Missing]:
    if facts.human_oversight.strip():
        return []
    return [Missing("How a person reviews, overrides or stops its decisions is not described.",
                    _model_edit(facts, "human_oversight"))]


BUILT_IN = [
    EvidenceCheck("model_purpose", "Purpose described",
                  "Describe in plain words what the model is for.",
                  _model_field("purpose", "The model's purpose is not described.")),
    EvidenceCheck("model_description", "Model described",
                  "Describe how the model works and what it produces.",
                  _model_field("description", "The model has no description.")),
    EvidenceCheck("accountable_people", "Owner and steward named",
                  "Name the accountable owner and the day-to-day steward.",
                  _owner_and_steward),
    EvidenceCheck("human_oversight", "Human oversight described",
                  "Describe how a person can review, override or stop its decisions.",
                  _oversight),
    EvidenceCheck("impact_assessment", "Impact assessment on record",
                  "Link the model's data protection (DPIA) or AI impact assessment.",
                  _model_field("impact_assessment_url", "No impact assessment is linked.")),
    EvidenceCheck("training_data_recorded", "Training data recorded",
                  "Link each version to the dataset versions it was trained, validated "
                  "and tested on.", _training_data_linked),
    EvidenceCheck("lawful_basis", "Legal basis of personal data recorded",
                  "Record the consent or legal basis on every personal, health or financial "
                  "dataset the model used.",
                  _datasets_missing("consent_basis", "legal basis or consent recorded",
                                    only_sensitive=True)),
    EvidenceCheck("data_provenance", "How the data was collected is recorded",
                  "Record how each dataset the model used was collected.",
                  _datasets_missing("collection_method", "collection method recorded")),
    EvidenceCheck("data_quality", "Data biases and limitations recorded",
                  "Record the known biases and limitations of each dataset the model used.",
                  _datasheet),
    EvidenceCheck("io_schemas", "Inputs and outputs specified",
                  "Record the input and output schemas (JSON Schema).", _schemas),
    EvidenceCheck("performance_evaluated", "Performance evaluated",
                  "Record the evaluation metrics of the latest version.", _evaluation),
    EvidenceCheck("reproducible", "Version reproducible",
                  "Record the latest version's artefact checksum, code commit and training "
                  "environment.", _reproducible),
    EvidenceCheck("validated", "Latest version validated",
                  "Have the latest version validated and moved to the validated stage.",
                  _validated),
    EvidenceCheck("monitored", "Monitored in production",
                  "Report performance or drift metrics of the production deployment.",
                  _monitored),
    EvidenceCheck("integrity_intact", "No open integrity finding",
                  "Resolve the open integrity and residency findings of its versions.",
                  _no_open_findings),
    EvidenceCheck("third_party_terms", "Supplier and licence recorded",
                  "Name the supplier and record the licence of a third-party model.",
                  _third_party),
]

for _check in BUILT_IN:
    register_evidence_check(_check)
