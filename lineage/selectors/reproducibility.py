"""The reproducibility record of a model version: could it be rebuilt exactly?

It lists the dataset versions the model version was trained, validated and tested on
(inventory's dataset links, each keeping the checksum recorded when the link was made)
with their checksum then and now,
and the code commit and training environment; anything changed or missing is a problem
(shown red on the page).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.models import Dataset, DatasetVersion, ModelVersion
from lineage.choices import FindingStatus
from lineage.models import IntegrityFinding

__all__ = ["DataRow", "ReproducibilityRecord", "reproducibility_record"]


@dataclass
class DataRow:
    """One training dataset version as the reader may see it."""

    version: DatasetVersion | None
    role: str
    visible: bool
    location_visible: bool
    checksum_then: str
    checksum_now: str
    problems: list[str] = field(default_factory=list)


@dataclass
class ReproducibilityRecord:
    model_version: ModelVersion
    data: list[DataRow]
    code_repository: str
    code_commit: str
    environment: str
    problems: list[str] = field(default_factory=list)

    @property
    def reproducible(self) -> bool:
        return not self.problems and not any(row.problems for row in self.data)


def reproducibility_record(*, model_version: ModelVersion, user) -> ReproducibilityRecord:
    """Build the record for `model_version` as `user` may see it (a constant number of
    queries: the links, visible versions, visible locations and open findings)."""
    links = list(model_version.dataset_links.select_related("dataset_version__dataset")
                 .order_by("role", "dataset_version_id"))
    version_ids = [link.dataset_version_id for link in links]
    visible = set(DatasetVersion.objects.restrict(user, "view").filter(
        pk__in=version_ids).values_list("pk", flat=True))
    located = set(DatasetVersion.objects.filter(
        pk__in=visible).filter(Dataset.details_visible_q(user, "dataset__")).values_list(
        "pk", flat=True))
    tampered = set(IntegrityFinding.objects.filter(
        dataset_version_id__in=version_ids, status=FindingStatus.OPEN).values_list(
        "dataset_version_id", flat=True))
    rows = []
    for link in links:
        version = link.dataset_version
        row = DataRow(version=version if version.pk in visible else None,
                      role=link.get_role_display(),
                      visible=version.pk in visible, location_visible=version.pk in located,
                      checksum_then=link.checksum_at_link, checksum_now=version.sha256)
        if not link.checksum_at_link:
            row.problems.append("No checksum was recorded when the data was linked.")
        elif link.checksum_at_link != version.sha256:
            row.problems.append("The recorded checksum changed since training.")
        if version.pk in tampered:
            row.problems.append("An open integrity finding: the stored bytes no longer "
                                "match the checksum.")
        rows.append(row)
    record = ReproducibilityRecord(
        model_version=model_version, data=rows,
        code_repository=model_version.code_repository, code_commit=model_version.code_commit,
        environment=model_version.training_environment)
    if not rows:
        record.problems.append("No training data is linked to this version.")
    if not model_version.code_commit:
        record.problems.append("No code commit is recorded.")
    if not model_version.training_environment:
        record.problems.append("No training environment is recorded.")
    return record
