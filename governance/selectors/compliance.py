"""Reads of compliance statuses shared by the overview page, the model panel and exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from core.permissions import restrict_queryset
from governance.choices import ComplianceOutcome
from governance.models import ComplianceAssessment, RegulatoryFramework, RequirementResult

__all__ = ["FrameworkCoverage", "compliance_coverage", "current_gaps", "model_statuses",
           "top_gaps", "visible_statuses"]


def visible_statuses(user) -> QuerySet:
    """Statuses in force that `user` may see (as visible as their models)."""
    return restrict_queryset(ComplianceAssessment.objects.all(), user, "view").filter(
        is_current=True)


def current_gaps(user) -> QuerySet:
    """Gaps in force (results of current statuses) that `user` may see."""
    return restrict_queryset(RequirementResult.objects.all(), user, "view").filter(
        outcome=ComplianceOutcome.GAP, assessment__is_current=True)


@dataclass
class FrameworkCoverage:
    framework: RegulatoryFramework
    met: int = 0
    gap: int = 0
    not_applicable: int = 0

    @property
    def applicable(self) -> int:
        return self.met + self.gap

    @property
    def percent_met(self) -> int | None:
        return round(100 * self.met / self.applicable) if self.applicable else None


def compliance_coverage(user) -> list[FrameworkCoverage]:
    """Per framework: how many visible models meet it, have gaps, or are out of its scope
    (two queries)."""
    coverage = {framework.pk: FrameworkCoverage(framework)
                for framework in RegulatoryFramework.objects.filter(
                    versions__is_current=True).order_by("short_name")}
    counts = visible_statuses(user).values("framework_id", "status").annotate(n=Count("pk"))
    for row in counts:
        if row["framework_id"] in coverage:
            setattr(coverage[row["framework_id"]], row["status"], row["n"])
    return list(coverage.values())


def top_gaps(user, limit: int = 10) -> list[dict]:
    """The requirements most models fall short of, with how many (one query)."""
    return list(current_gaps(user).values(
        "requirement_id", "requirement__clause", "requirement__title",
        "assessment__framework__short_name", "assessment__framework__code")
        .annotate(models=Count("assessment__model", distinct=True))
        .order_by("-models", "requirement__clause")[:limit])


def model_statuses(model) -> list[ComplianceAssessment]:
    """A model's statuses in force, each with its gaps in `gap_results` (two queries)."""
    return list(ComplianceAssessment.objects.filter(model=model, is_current=True)
                .for_list().order_by("framework__short_name"))


def gap_counts_by_requirement(user, requirement_ids) -> dict[int, int]:
    """How many visible models have a gap on each requirement (one query)."""
    counts: dict[int, int] = defaultdict(int)
    rows = (current_gaps(user).filter(requirement_id__in=list(requirement_ids))
            .values("requirement_id").annotate(n=Count("pk")))
    for row in rows:
        counts[row["requirement_id"]] = row["n"]
    return counts
