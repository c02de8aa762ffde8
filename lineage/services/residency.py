"""Residency rules: data of a region may only feed models deployed in allowed regions.

A model version trained, validated or tested on a dataset version (inventory's dataset
links) whose dataset must stay in region R breaks the rule for R when one of its
deployments that is pending or running is in a region the rule does not allow (GDPR
chapter V transfers). Each broken model version gets one open finding listing why.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from core.models import JobRun
from inventory.choices import DeploymentStatus
from inventory.models import Deployment, ModelVersion
from lineage.choices import FindingKind, FindingStatus
from lineage.models import IntegrityFinding, ResidencyRule

__all__ = ["residency_check", "residency_violations"]

LIVE = (DeploymentStatus.PENDING, DeploymentStatus.ACTIVE)


def residency_violations() -> dict[int, list[str]]:
    """Model version id -> reasons, from one query per rule (no graph in memory)."""
    reasons: dict[int, list[str]] = defaultdict(list)
    for rule in ResidencyRule.objects.all():
        allowed = {region.lower() for region in rule.allowed_regions}
        deployments = (Deployment.objects.filter(
            status__in=LIVE,
            model_version__dataset_links__dataset_version__dataset__residency_region__iexact=(
                rule.data_region))
            .exclude(region__in=[*allowed, *[r.upper() for r in allowed]])
            .select_related("model_version").distinct().order_by("pk"))
        for deployment in deployments:
            if deployment.region.lower() in allowed:
                continue
            reasons[deployment.model_version_id].append(
                f"Uses {rule.data_region} data but is deployed in "
                f"{deployment.region or 'an unknown region'} (allowed: "
                f"{', '.join(sorted(allowed)) or 'none'}).")
    return reasons


def residency_check(*, job_run: JobRun | None = None) -> dict:
    """Raise one open residency finding per model version that breaks a rule.

    Returns:
        How many versions break a rule and how many findings are new.
    """
    violations = residency_violations()
    created = 0
    with transaction.atomic():
        for version in ModelVersion.objects.filter(pk__in=list(violations)):
            exists = IntegrityFinding.objects.filter(
                kind=FindingKind.RESIDENCY_VIOLATION, status=FindingStatus.OPEN,
                model_version=version).exists()
            if exists:
                continue
            finding = IntegrityFinding(kind=FindingKind.RESIDENCY_VIOLATION,
                                       model_version=version, job_run=job_run,
                                       detail=" ".join(sorted(set(violations[version.pk]))))
            finding.full_clean(validate_constraints=False)
            finding.save()
            created += 1
    return {"violating_versions": len(violations), "new_findings": created}
