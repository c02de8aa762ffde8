"""The fleet page (where each version runs, by region and segment) and the list of
deployment events."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from core.tables import Column
from core.views.generic import ObjectListView, RestrictedViewMixin
from inventory.choices import DeploymentEnvironment, DeploymentStatus
from inventory.models import Deployment
from monitoring.choices import DeploymentEventKind, DeploymentEventOutcome
from monitoring.filters import DeploymentEventFilterSet, for_pages
from monitoring.models import DeploymentEvent
from monitoring.selectors.fleet import fleet_matrix

__all__ = ["DeploymentEventListView", "FleetView"]

STATUS_BADGES = {DeploymentStatus.ACTIVE: "success", DeploymentStatus.PENDING: "info",
                 DeploymentStatus.FAILED: "danger", DeploymentStatus.UNAUTHORISED: "danger",
                 DeploymentStatus.STOPPED: "secondary"}
ROWS_PER_PAGE = 50


class FleetView(RestrictedViewMixin, TemplateView):
    """Each model version (rows) by region (columns); a cell lists the customer segments it
    serves there, with the deployment's status."""

    model = Deployment
    template_name = "monitoring/fleet.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        environment = self.request.GET.get("environment", DeploymentEnvironment.PRODUCTION)
        if environment not in DeploymentEnvironment.values:
            environment = DeploymentEnvironment.PRODUCTION
        name = self.request.GET.get("model", "").strip()[:100]
        deployments = self.restricted_queryset().filter(environment=environment)
        if name:
            deployments = deployments.filter(model_version__model__name__icontains=name)
        matrix = fleet_matrix(deployments)
        page = Paginator(matrix.rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update({
            "title": "Where models run", "matrix": matrix, "page_obj": page,
            "rows": [(row, [[(d, STATUS_BADGES.get(d.status, "secondary")) for d in cell]
                            for cell in row.in_order(matrix.regions)])
                     for row in page.object_list],
            "environment": environment, "environments": DeploymentEnvironment.choices,
            "model_query": name,
            "coverage_rows": [(segment, [matrix.coverage.get(region, {}).get(segment, 0)
                                         for region in matrix.regions])
                              for segment in matrix.segments],
        })
        return context


class DeploymentEventListView(ObjectListView):
    model = DeploymentEvent
    filterset_class = for_pages(DeploymentEventFilterSet)
    title = "Deployment events"
    description = ("What CI/CD and the serving platform reported — deployed, scaled, moved, "
                   "removed, rolled back — and what each changed in the inventory.")
    empty_message = ("No deployment event yet. Platforms post them to "
                     "/api/v1/cicd/deployment-events/.")
    default_sort = "-received_at"
    columns = [
        Column("received_at", "Received", sort="received_at"),
        Column("kind", "Event", sort="kind", badge={DeploymentEventKind.REMOVED: "secondary",
                                                    DeploymentEventKind.ROLLED_BACK: "warning"}),
        Column(lambda e: str(e.model_version), "Version", link=True),
        Column("environment", "Environment", sort="environment"),
        Column(lambda e: "/".join(p for p in (e.region, e.segment) if p) or "—", "Place"),
        Column(lambda e: "/".join(p for p in (e.to_region, e.to_segment) if p)
               or (str(e.to_model_version) if e.to_model_version_id else "—"), "Now at / to"),
        Column("replicas", "Instances"),
        Column("outcome", "Outcome", sort="outcome", badge={
            DeploymentEventOutcome.APPLIED: "success",
            DeploymentEventOutcome.UNCHANGED: "secondary",
            DeploymentEventOutcome.UNAUTHORISED: "danger"}),
        Column("reported_by.username", "Reported by"),
    ]
