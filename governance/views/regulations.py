"""Frameworks and their requirements, browsable by everyone with a role."""

from __future__ import annotations

from django.http import Http404

from core.tables import Column
from core.views.generic import ObjectDetailView, ObjectListView
from governance.applicability import describe_condition
from governance.evidence import evidence_check
from governance.filters import RegulatoryFrameworkFilterSet
from governance.models import RegulatoryFramework
from governance.selectors.compliance import gap_counts_by_requirement

__all__ = ["FrameworkDetailView", "FrameworkListView"]


def _current(framework: RegulatoryFramework):
    versions = getattr(framework, "current_versions", None) or []
    return versions[0] if versions else None


class FrameworkListView(ObjectListView):
    model = RegulatoryFramework
    filterset_class = RegulatoryFrameworkFilterSet
    columns = [
        Column("short_name", "Framework", sort="short_name", link=True),
        Column("name", "Full name"),
        Column("jurisdiction", "Where it applies", sort="jurisdiction"),
        Column(lambda f: _current(f).label if _current(f) else "—", "Version in force"),
        Column(lambda f: len(_current(f).in_force) if _current(f) else 0, "Requirements"),
    ]
    default_sort = "short_name"
    title = "Regulatory frameworks"
    description = ("The laws, regulations and guidance models are assessed against, each with "
                   "its requirements and what evidence satisfies them. Compliance officers "
                   "keep them in the admin; every change is kept in their history.")
    empty_message = ("No framework yet. Load the shipped ones with "
                     "“manage.py load_regulations”.")


class FrameworkDetailView(ObjectDetailView):
    model = RegulatoryFramework
    template_name = "governance/framework_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        framework = self.object
        versions = list(framework.versions.order_by("-version"))
        version = self._chosen_version(versions)
        requirements = list(version.requirements.filter(is_current=True).order_by(
            "order", "key")) if version else []
        gaps = gap_counts_by_requirement(self.request.user, [r.pk for r in requirements])
        context.update({
            "title": framework.short_name,
            "versions": versions,
            "version": version,
            "applies_when": describe_condition(version.applies_when) if version else "",
            "requirements": [{
                "requirement": requirement,
                "applies_when": describe_condition(requirement.applies_when)
                if requirement.applies_when else "whenever the framework applies",
                "checks": [evidence_check(name) or name for name in requirement.evidence_checks],
                "gaps": gaps.get(requirement.pk, 0),
            } for requirement in requirements],
        })
        return context

    def _chosen_version(self, versions):
        wanted = self.request.GET.get("version")
        if not wanted:
            return next((v for v in versions if v.is_current), versions[0] if versions else None)
        chosen = next((v for v in versions if str(v.pk) == wanted), None)
        if chosen is None:
            raise Http404("No such version of this framework.")
        return chosen
