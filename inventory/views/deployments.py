"""Dashboard list of deployments."""

from __future__ import annotations

from core.tables import Column
from core.views.generic import ObjectListView
from inventory.choices import DeploymentEnvironment, DeploymentStatus
from inventory.filters import DeploymentFilterSet
from inventory.models import Deployment

__all__ = [
    "DeploymentListView",
]


class DeploymentListView(ObjectListView):
    model = Deployment
    filterset_class = DeploymentFilterSet
    title = "Deployments"
    description = "Where each model version runs: environment, region, customer segment."
    empty_message = "No deployment has been reported. Pipelines report them to the CI/CD API."
    default_sort = "-deployed_at"
    columns = [
        Column(lambda d: str(d.model_version), "Version", link=True),
        Column("environment", "Environment", sort="environment",
               badge={DeploymentEnvironment.PRODUCTION: "success"}),
        Column("region", "Region", sort="region"),
        Column("segment", "Segment"),
        Column("status", "Status", sort="status", badge={
            DeploymentStatus.ACTIVE: "success", DeploymentStatus.FAILED: "danger",
            DeploymentStatus.PENDING: "info", DeploymentStatus.STOPPED: "secondary",
            DeploymentStatus.UNAUTHORISED: "danger"}),
        Column("endpoint", "Endpoint"),
        Column("deployed_at", "Deployed", sort="deployed_at"),
    ]
