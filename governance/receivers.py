"""What governance does when inventory records change (connected in `GovernanceConfig.ready()`).

Receivers only delegate to services; they run inside the transaction that saved the row,
so a promotion and the closing of its approved request commit together.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from governance.models import GatedStage
from governance.services.approvals import (
    approval_requests_mark_promoted,
    approval_requests_supersede,
)
from governance.services.minimisation import minimisation_findings_refresh
from inventory.models import ModelVersion, ModelVersionDataset

__all__ = ["connect"]


def _version_saved(sender, instance: ModelVersion, created: bool, **kwargs) -> None:
    # Registration and every change: the input schema is checked against the rules.
    minimisation_findings_refresh(version=instance)
    if created:
        return
    if instance.stage in GatedStage.values:
        approval_requests_mark_promoted(version=instance)
    approval_requests_supersede(version=instance)


def _link_changed(sender, instance: ModelVersionDataset, **kwargs) -> None:
    version = ModelVersion.objects.filter(pk=instance.model_version_id).first()
    if version is not None:
        approval_requests_supersede(version=version)


def connect() -> None:
    post_save.connect(_version_saved, sender=ModelVersion,
                      dispatch_uid="governance-version-saved")
    post_save.connect(_link_changed, sender=ModelVersionDataset,
                      dispatch_uid="governance-link-saved")
    post_delete.connect(_link_changed, sender=ModelVersionDataset,
                        dispatch_uid="governance-link-deleted")
