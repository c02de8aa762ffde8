"""Model cards (Mitchell et al., "Model Cards for Model Reporting", 2019) generated from the
inventory: one per model version, each section marked complete or missing.

The model's own record gives the intended use, out-of-scope uses, factors, ethical
considerations and caveats; the version gives its metrics and the dataset versions it was
trained and evaluated on. The same `ModelCard` feeds the HTML page, the PDF, the Markdown
download and the ML-BOM's model card (`inventory.selectors.mlbom`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from inventory.choices import DatasetRole
from inventory.models import Dataset, ModelVersion, ModelVersionDataset

__all__ = ["CardDataset", "CardSection", "ModelCard", "model_card", "model_card_versions",
           "readable_datasets"]


@dataclass(frozen=True)
class CardDataset:
    """A dataset version as a model card names it (never its location)."""

    name: str
    version: int
    role: str
    sensitivity: str
    rows: int | None
    sha256: str
    known_biases: str
    limitations: str


@dataclass
class CardSection:
    """One section of the card: its text or rows, and whether the inventory fills it."""

    key: str
    title: str
    question: str
    text: str = ""
    metrics: list[tuple[str, float]] = field(default_factory=list)
    datasets: list[CardDataset] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.text.strip() or self.metrics or self.datasets)


@dataclass
class ModelCard:
    """A model version's card: who and what it is, then the sections."""

    version: ModelVersion
    details: list[tuple[str, str]]
    sections: list[CardSection]
    generated_at: object = field(default_factory=timezone.now)

    @property
    def missing(self) -> list[CardSection]:
        return [section for section in self.sections if not section.complete]

    @property
    def complete_count(self) -> int:
        return len(self.sections) - len(self.missing)

    def section(self, key: str) -> CardSection:
        return next(section for section in self.sections if section.key == key)

    def as_dict(self) -> dict:
        """The card as JSON-ready data (the API's answer)."""
        return {
            "model_version": self.version.pk,
            "generated_at": self.generated_at.isoformat(),
            "complete": not self.missing,
            "complete_sections": self.complete_count,
            "missing_sections": [section.key for section in self.missing],
            "details": dict(self.details),
            "sections": [{
                "key": section.key, "title": section.title, "complete": section.complete,
                "text": section.text,
                "metrics": [{"name": name, "value": value} for name, value in section.metrics],
                "datasets": [vars(dataset) for dataset in section.datasets],
            } for section in self.sections],
        }


def model_card_versions():
    """Versions with everything a card reads, in a constant number of queries."""
    links = ModelVersionDataset.objects.select_related(
        "dataset_version__dataset__owner", "dataset_version__dataset__steward")\
        .order_by("role", "dataset_version__dataset__name", "dataset_version__version")
    return ModelVersion.objects.select_related("model", "model__team", "model__owner")\
        .prefetch_related(Prefetch("dataset_links", queryset=links))


def readable_datasets(user, versions: list[ModelVersion]) -> set[int] | None:
    """Ids of the datasets (behind `versions`' links) whose datasheet `user` may read, in
    one query; None for a system export (`user` None), which reads everything."""
    if user is None:
        return None
    ids = {link.dataset_version.dataset_id for version in versions
           for link in version.dataset_links.all()}
    return set(Dataset.objects.filter(Dataset.details_visible_q(user), pk__in=ids)
               .values_list("pk", flat=True))


def model_card(version: ModelVersion, *, user=None, readable: set[int] | None = None) -> ModelCard:
    """The card of `version` (fetched with `model_card_versions()`). A dataset's known
    biases and limitations appear only to a `user` allowed to read its datasheet (None: a
    system export, which reads everything); `readable` is `readable_datasets()` when the
    caller already has it."""
    model = version.model
    if readable is None:
        readable = readable_datasets(user, [version])
    datasets = [_card_dataset(link, readable) for link in version.dataset_links.all()]
    training = [d for d in datasets if d.role == DatasetRole.TRAIN.label]
    evaluation = [d for d in datasets if d.role != DatasetRole.TRAIN.label]
    intended = "\n\n".join(part for part in (
        model.purpose, f"Permitted uses: {model.permitted_uses}" if model.permitted_uses else "")
        if part)
    metrics = [(name, value) for name, value in sorted((version.evaluation_metrics or {}).items())]
    return ModelCard(version=version, details=_details(version), sections=[
        CardSection("intended_use", "Intended use",
                    "What is the model for, and for whom?", text=intended),
        CardSection("out_of_scope_uses", "Out-of-scope uses",
                    "What must it not be used for?", text=model.out_of_scope_uses),
        CardSection("factors", "Factors",
                    "Across which groups, instruments or environments may its performance vary?",
                    text=model.factors),
        CardSection("metrics", "Metrics", "How well does this version perform?",
                    metrics=metrics),
        CardSection("evaluation_data", "Evaluation data",
                    "Which data was it validated and tested on?", datasets=evaluation),
        CardSection("training_data", "Training data", "Which data was it trained on?",
                    datasets=training),
        CardSection("ethical_considerations", "Ethical considerations",
                    "What risks to people does it carry, and how are they mitigated?",
                    text=model.ethical_considerations),
        CardSection("caveats", "Caveats and recommendations",
                    "What are its known limitations, and what should users do about them?",
                    text=model.caveats),
    ])


def _card_dataset(link: ModelVersionDataset, readable_ids: set[int] | None) -> CardDataset:
    dataset_version = link.dataset_version
    dataset = dataset_version.dataset
    readable = readable_ids is None or dataset.pk in readable_ids
    return CardDataset(
        name=dataset.name, version=dataset_version.version, role=link.get_role_display(),
        sensitivity=dataset.get_sensitivity_display(), rows=dataset_version.row_count,
        sha256=link.checksum_at_link or dataset_version.sha256,
        known_biases=dataset.known_biases if readable else "",
        limitations=dataset.limitations if readable else "")


def _details(version: ModelVersion) -> list[tuple[str, str]]:
    model = version.model
    owner = model.owner.get_full_name() or model.owner.get_username() if model.owner else ""
    return [
        ("Model", model.name),
        ("Version", str(version.version)),
        ("Stage", version.get_stage_display()),
        ("Owner", owner or "—"),
        ("Team", model.team.name if model.team else "—"),
        ("Risk tier", model.get_risk_tier_display()),
        ("Origin", model.get_origin_display() + (f" ({model.supplier})" if model.supplier else "")),
        ("Licence", model.licence or "—"),
        ("Trained on (date)", str(version.training_date or "—")),
        ("Artefact SHA-256", version.artifact_sha256 or "—"),
        ("Code commit", version.code_commit or "—"),
    ]
