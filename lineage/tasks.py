"""Lineage jobs: thin Celery tasks calling the integrity services."""

from __future__ import annotations

from core.jobs import JobContext, custodia_job
from lineage.services.integrity import held_artifacts_rehash
from lineage.services.residency import residency_check

REHASH_JOB = "lineage.integrity_rehash"
RESIDENCY_JOB = "lineage.residency_check"


@custodia_job(REHASH_JOB)
def integrity_rehash(job: JobContext, *, chunk_size: int = 50) -> dict:
    """Re-hash held datasets and model artefacts; mismatches become integrity findings."""
    return held_artifacts_rehash(job_run=job.run, chunk_size=int(chunk_size),
                                 progress=job.progress)


@custodia_job(RESIDENCY_JOB)
def residency(job: JobContext) -> dict:
    """Flag model versions deployed outside the regions their data may go to."""
    return residency_check(job_run=job.run)
