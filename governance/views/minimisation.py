"""Data-minimisation dashboards: the rules (edited in the admin and the API) and what the
checks found in model versions' inputs."""

from __future__ import annotations

from core.tables import Column
from core.views.generic import ObjectListView
from governance.filters import MinimisationFindingFilterSet, MinimisationRuleFilterSet
from governance.models import MinimisationFinding, MinimisationRule

__all__ = ["MinimisationFindingListView", "MinimisationRuleListView"]

OUTCOME_BADGES = {"prohibited": "danger", "needs_justification": "warning",
                  "not_allowed": "warning", "justified": "success"}


def _names(values: list[str]) -> str:
    return ", ".join(values) or "—"


class MinimisationRuleListView(ObjectListView):
    model = MinimisationRule
    filterset_class = MinimisationRuleFilterSet
    columns = [
        Column("name", "Rule", sort="name"),
        Column("scope", "Applies to"),
        Column(lambda r: _names(r.prohibited_attributes), "Prohibited inputs"),
        Column(lambda r: _names(r.justification_attributes), "Allowed only with a justification"),
        Column(lambda r: _names(r.allowed_features), "Only these inputs (if set)"),
        Column(lambda r: "Yes" if r.active else "No", "Active"),
        Column("description", "Why"),
    ]
    default_sort = "name"
    title = "Data-minimisation rules"
    description = ("Which inputs a model may use, by purpose (GDPR art. 5(1)(c)). A version "
                   "whose input schema uses a prohibited attribute, or an attribute needing a "
                   "justification without one, cannot be promoted. Compliance officers keep "
                   "the rules in the admin or the API.")
    empty_message = "No rule yet: every input is allowed for every purpose."


class MinimisationFindingListView(ObjectListView):
    model = MinimisationFinding
    filterset_class = MinimisationFindingFilterSet
    columns = [
        Column("model_version", "Version", link=True),
        Column("feature", "Input", sort="feature"),
        Column("outcome", "Outcome", sort="outcome", badge=OUTCOME_BADGES),
        Column(lambda f: "Yes" if f.blocking else "No", "Blocks promotion"),
        Column("rule", "Rule"),
        Column("message", "What it means"),
        Column("checked_at", "Checked", sort="checked_at"),
    ]
    default_sort = "feature"
    title = "Data-minimisation findings"
    description = ("What the check of each version's input schema found, when the version "
                   "was registered or changed and when a rule changed. A blocking finding "
                   "stops the version from being promoted until a new version removes the "
                   "input or justifies it.")
    empty_message = "No finding: no version's inputs touch a data-minimisation rule."
