"""Where each model version runs: deployments grouped by version, region and segment, for
the fleet page (one query for the rows, whatever the fleet's size)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from inventory.choices import DeploymentStatus
from inventory.models import Deployment, ModelVersion

__all__ = ["FleetMatrix", "FleetRow", "fleet_matrix"]

SHOWN_STATUSES = (DeploymentStatus.PENDING, DeploymentStatus.ACTIVE, DeploymentStatus.FAILED,
                  DeploymentStatus.UNAUTHORISED)
NO_REGION = "(no region)"


@dataclass
class FleetRow:
    version: ModelVersion
    cells: dict[str, list[Deployment]] = field(default_factory=dict)

    def in_order(self, regions: list[str]) -> list[list[Deployment]]:
        return [self.cells.get(region, []) for region in regions]


@dataclass
class FleetMatrix:
    regions: list[str]
    segments: list[str]
    rows: list[FleetRow]
    # region -> segment -> number of versions serving it
    coverage: dict[str, dict[str, int]]

    @property
    def deployment_count(self) -> int:
        return sum(len(cell) for row in self.rows for cell in row.cells.values())


def fleet_matrix(deployments) -> FleetMatrix:
    """Group `deployments` (already restricted to what the reader may see) by version and
    region; the segments each version serves in a region are the cell's entries."""
    rows: dict[int, FleetRow] = {}
    coverage: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    regions, segments = set(), set()
    for deployment in deployments.filter(status__in=SHOWN_STATUSES).select_related(
            "model_version__model").order_by("model_version__model__name",
                                             "-model_version__version", "region", "segment"):
        region = deployment.region or NO_REGION
        regions.add(region)
        segments.add(deployment.segment or "all")
        row = rows.setdefault(deployment.model_version_id, FleetRow(deployment.model_version))
        row.cells.setdefault(region, []).append(deployment)
        if deployment.status == DeploymentStatus.ACTIVE:
            coverage[region][deployment.segment or "all"] += 1
    return FleetMatrix(regions=sorted(regions), segments=sorted(segments),
                       rows=list(rows.values()),
                       coverage={region: dict(by_segment) for region, by_segment in
                                 coverage.items()})
