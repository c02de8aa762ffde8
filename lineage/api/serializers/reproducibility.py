"""API shape of a model version's reproducibility record."""

from __future__ import annotations

from lineage.selectors.reproducibility import ReproducibilityRecord

__all__ = ["reproducibility_json"]


def reproducibility_json(record: ReproducibilityRecord) -> dict:
    version = record.model_version
    return {
        "modelVersion": {"id": version.pk, "model": version.model.name,
                         "version": version.version, "stage": version.stage},
        "reproducible": record.reproducible,
        "problems": record.problems,
        "code": {"repository": record.code_repository, "commit": record.code_commit},
        "environment": record.environment,
        "datasets": [{
            "datasetVersionId": row.version.pk if row.visible else None,
            "label": str(row.version) if row.visible else "Not visible to you",
            "role": row.role,
            "uri": row.version.uri if row.visible and row.location_visible else None,
            "checksumThen": row.checksum_then if row.visible else None,
            "checksumNow": row.checksum_now if row.visible else None,
            "problems": row.problems,
        } for row in record.data],
    }
