"""Reads of compliance statuses shared by the overview page, the model panel, exports and
the regulatory mapping report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from core.permissions import restrict_queryset
from governance.choices import ComplianceOutcome
from governance.evidence import evidence_check
from governance.forms import RegulatoryMappingParametersForm
from governance.models import ComplianceAssessment, RegulatoryFramework, RequirementResult
from governance.services.reports import (
    ReportContent,
    ReportTable,
    ReportTemplate,
    report_template_register,
)

__all__ = ["FrameworkCoverage", "build_regulatory_mapping", "compliance_coverage",
           "current_gaps", "model_statuses", "register_regulatory_mapping_report", "top_gaps",
           "visible_statuses"]


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


# --------------------------------------------------------------------------------------
# The regulatory mapping and gaps report
# --------------------------------------------------------------------------------------
MAPPING_COLUMNS = ["Clause", "Requirement", "Model", "Team", "Outcome", "What is missing",
                   "What closes it"]


def build_regulatory_mapping(parameters: dict, user) -> ReportContent:
    """Per chosen framework in force: each requirement against each model it was assessed
    for (met, gap or not applicable), each gap with what is missing and what closes it.

    Reads only statuses of models `user` may see (optionally of one team), in three
    queries whatever the number of frameworks, requirements and models.
    """
    frameworks = list(RegulatoryFramework.objects.filter(
        pk__in=parameters["frameworks"]).for_list().order_by("short_name"))
    results = RequirementResult.objects.filter(
        assessment__in=visible_statuses(user).filter(framework__in=frameworks).values("pk"))
    if parameters.get("team"):
        results = results.filter(assessment__model__team_id=parameters["team"])
    by_requirement: dict[tuple[int, str], list[RequirementResult]] = defaultdict(list)
    for result in results.select_related("assessment__model__team", "requirement").order_by(
            "assessment__model__name"):
        by_requirement[(result.assessment.framework_id, result.requirement.key)].append(result)
    tables = [_framework_table(framework, by_requirement) for framework in frameworks]
    outcomes = [row[4] for table in tables for row in table.rows]
    labels = dict(ComplianceOutcome.choices)
    return ReportContent(
        title="Regulatory mapping and gaps: " + ", ".join(str(f) for f in frameworks),
        figures=[("Frameworks", len(frameworks)),
                 ("Models assessed", len({r.assessment.model_id
                                          for rs in by_requirement.values() for r in rs})),
                 *[(labels[value], outcomes.count(labels[value]))
                   for value in ComplianceOutcome.values]],
        tables=tables,
        notes=["Each model is assessed against the framework version in force; a gap names "
               "each missing piece of evidence and what closes it."])


def _framework_table(framework: RegulatoryFramework,
                     by_requirement: dict[tuple[int, str], list]) -> ReportTable:
    version = framework.current_versions[0]
    rows = []
    for requirement in version.in_force:
        results = by_requirement.get((framework.pk, requirement.key), [])
        if not results:
            rows.append([requirement.clause, requirement.title, "—", "—", "not assessed",
                         "", ""])
        for result in results:
            model = result.assessment.model
            rows.append([requirement.clause, requirement.title, model.name,
                         model.team.name if model.team else "—", result.get_outcome_display(),
                         "; ".join(item.get("detail", "") for item in result.missing),
                         _how_to_close(result.missing)])
    return ReportTable(f"{framework.name} ({version.label})", MAPPING_COLUMNS, rows,
                       status_columns=(4,))


def _how_to_close(missing: list[dict]) -> str:
    """What closes each failed check, once per check, in the order they failed."""
    steps = []
    for name in dict.fromkeys(item.get("check", "") for item in missing):
        check = evidence_check(name)
        steps.append(f"{check.label}: {check.how_to_close}" if check
                     else f"The evidence check “{name}” is not available any more.")
    return "; ".join(steps)


def register_regulatory_mapping_report() -> None:
    """The regulatory mapping in the reports registry (reports page, API and schedules)."""
    report_template_register(ReportTemplate(
        "regulatory-mapping", "Regulatory mapping and gaps",
        "For each framework in force: every requirement, the models it applies to, whether "
        "each meets it, and for each gap what is missing and what closes it.",
        build_regulatory_mapping, RegulatoryMappingParametersForm,
        "governance.view_complianceassessment"))
