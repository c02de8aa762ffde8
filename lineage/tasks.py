"""Lineage jobs: thin Celery tasks calling the integrity services."""

from __future__ import annotations

from inventory.base.jobs import JobContext, custodia_job
from lineage.services.integrity import held_artifacts_rehash

REHASH_JOB = "lineage.integrity_rehash"


@custodia_job(REHASH_JOB)
def integrity_rehash(job: JobContext, *, chunk_size: int = 50) -> dict:
    """Re-hash held datasets and model artefacts; mismatches become integrity findings."""
    return held_artifacts_rehash(job_run=job.run, chunk_size=int(chunk_size),
                                 progress=job.progress)
