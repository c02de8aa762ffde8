"""Receivers of inventory's signals (lineage reacts; inventory never imports lineage)."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from inventory.models import DatasetVersion
from lineage.services.integrity import dataset_version_checksum_fill


@receiver(pre_save, sender=DatasetVersion, dispatch_uid="lineage-held-checksum")
def _checksum_held_data_on_registration(sender, instance: DatasetVersion, raw=False,
                                        **kwargs) -> None:
    """Every path that registers a held dataset version (service, admin, API, fixtures
    excepted) gets its checksum computed from the stored bytes before the first save."""
    if not raw and instance._state.adding:
        dataset_version_checksum_fill(instance)
