"""Dashboard lists of retention evidence: legal holds and purged artifacts."""

from __future__ import annotations

from core.tables import Column
from core.views.generic import ObjectListView
from inventory.filters import LegalHoldFilterSet, PurgeRecordFilterSet
from inventory.models import LegalHold, PurgeRecord

__all__ = [
    "LegalHoldListView",
    "PurgeRecordListView",
]


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------
class LegalHoldListView(ObjectListView):
    model = LegalHold
    filterset_class = LegalHoldFilterSet
    title = "Legal holds"
    description = ("Litigation and regulatory holds. Nothing a hold covers is purged, whatever "
                   "the retention policy says, until the hold is released.")
    empty_message = "No legal hold has been placed. Compliance officers place them in the API."
    default_sort = "-created_at"
    columns = [
        Column("reference", "Reference", sort="reference"),
        Column(lambda h: str(h.target), "Covers"),
        Column("reason", "Reason"),
        Column(lambda h: h.placed_by.get_username() if h.placed_by_id else "", "Placed by"),
        Column("created_at", "Placed", sort="created_at"),
        Column(lambda h: "in force" if h.is_active else "released", "Status",
               badge={"in force": "warning", "released": "secondary"}),
        Column("released_at", "Released", sort="released_at"),
    ]


class PurgeRecordListView(ObjectListView):
    model = PurgeRecord
    filterset_class = PurgeRecordFilterSet
    title = "Purged artifacts"
    description = ("Artifact files removed by the retention purge after their retention period "
                   "(versions, history and audit records are never removed).")
    empty_message = "No artifact has been purged yet."
    default_sort = "-purged_at"
    columns = [
        Column("purged_at", "Purged", sort="purged_at"),
        Column(lambda r: str(r.model_version or r.dataset_version), "Version"),
        Column("artifact_uri", "Artifact"),
        Column("size", "Bytes freed"),
        Column("policy.name", "Policy"),
        Column("retained_until", "Retained until", sort="retained_until"),
        Column("actor", "By"),
    ]
