"""The monitoring health board: which deployed models report what they should, and the
findings (open and resolved) of the health check."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from core.permissions import restrict_queryset
from core.tables import Column
from core.views.generic import ObjectListView
from inventory.models import Deployment
from monitoring.choices import HealthFindingStatus, HealthProblem
from monitoring.filters import HealthFindingFilterSet, for_pages
from monitoring.models import HealthFinding
from monitoring.services.health import monitored_deployments

__all__ = ["HealthBoardView"]

PROBLEM_BADGES = {HealthProblem.NO_OBSERVATIONS: "danger", HealthProblem.STALE: "warning",
                  HealthProblem.MISSING_METRICS: "warning",
                  HealthProblem.UNAPPROVED_VERSION: "danger"}
PROBLEM_HELP = {
    HealthProblem.NO_OBSERVATIONS: "Deployed, but no metric was ever received: monitoring "
                                   "was never switched on.",
    HealthProblem.STALE: "Metrics used to arrive but none came within the expected interval.",
    HealthProblem.MISSING_METRICS: "Reports arrive, but some metrics its risk tier or its own "
                                   "requirement asks for are missing.",
    HealthProblem.UNAPPROVED_VERSION: "Serves a version that is not the model's approved "
                                      "production version.",
}


class HealthBoardView(ObjectListView):
    model = HealthFinding
    filterset_class = for_pages(HealthFindingFilterSet)
    template_name = "monitoring/health_board.html"
    title = "Monitoring health"
    description = ("Is every deployed model reporting what it should? The health check runs "
                   "on a schedule; a finding closes by itself once the problem is fixed.")
    empty_message = "No finding: every monitored deployment reports what it should."
    default_sort = "-created_at"
    columns = [
        Column("problem", "Problem", sort="problem", badge=PROBLEM_BADGES),
        Column("status", "Status", sort="status", badge={HealthFindingStatus.OPEN: "danger",
                                                         HealthFindingStatus.RESOLVED: "success"}),
        Column(lambda f: str(f.model_version), "Version", link=True),
        Column("model_version.model.team.name", "Team"),
        Column(lambda f: "/".join(p for p in (f.deployment.environment, f.deployment.region,
                                              f.deployment.segment) if p), "Where"),
        Column("detail", "What was found"),
        Column("last_observed_at", "Last report"),
        Column("created_at", "Found", sort="created_at"),
        Column("resolved_at", "Resolved", sort="resolved_at"),
    ]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        open_findings = self.restricted_queryset().filter(status=HealthFindingStatus.OPEN)
        counts = dict(open_findings.values_list("problem").annotate(n=Count("pk")).order_by())
        deployments = restrict_queryset(
            Deployment.objects.filter(pk__in=monitored_deployments().values("pk")), user, "view")
        flagged = HealthFinding.objects.filter(deployment=OuterRef("pk"),
                                               status=HealthFindingStatus.OPEN)
        totals = deployments.aggregate(all=Count("pk"),
                                       flagged=Count("pk", filter=Exists(flagged)))
        context.update({
            "problems": [{"value": value, "label": label, "count": counts.get(value, 0),
                          "badge": PROBLEM_BADGES[value], "help": PROBLEM_HELP[value]}
                         for value, label in HealthProblem.choices],
            "monitored": totals["all"], "healthy": totals["all"] - totals["flagged"],
        })
        return context
