"""Side effects of showing a reproducibility record (the record itself is built in
`lineage.selectors.reproducibility`)."""

from __future__ import annotations

from lineage.selectors.reproducibility import ReproducibilityRecord

__all__ = ["reproducibility_reads_record"]


def reproducibility_reads_record(request, record: ReproducibilityRecord) -> None:
    """Showing a sensitive or confidential dataset version's location is an access event."""
    from core.choices import AccessAction
    from core.services.audit import access_event_record

    for row in record.data:
        dataset = row.version.dataset if row.version is not None else None
        if row.location_visible and dataset is not None and (dataset.is_sensitive
                                                             or dataset.confidential):
            access_event_record(request=request, action=AccessAction.VIEW, obj=row.version)
