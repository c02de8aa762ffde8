"""The integrity findings list."""

from __future__ import annotations

from core.views.generic import ObjectListView
from lineage.filters import IntegrityFindingFilterSet
from lineage.models import IntegrityFinding
from lineage.tables import FINDING_COLUMNS

__all__ = ["IntegrityFindingListView"]


class IntegrityFindingListView(ObjectListView):
    model = IntegrityFinding
    filterset_class = IntegrityFindingFilterSet
    columns = FINDING_COLUMNS
    default_sort = "-created_at"
    title = "Integrity findings"
    description = ("Held data or model files whose bytes changed or went missing since "
                   "registration, and model versions that break a residency rule. The "
                   "recorded checksum is never overwritten: each finding needs a person.")
    empty_message = ("No finding: every held dataset and model file matched its recorded "
                     "checksum at its last check, and no residency rule is broken.")
