"""Receivers of inventory's signals (lineage reacts; inventory never imports lineage)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from inventory.models import DatasetVersion, ModelVersionDataset
from inventory.signals import model_version_registered
from lineage.services.graph import model_version_link_unmirror, model_version_links_mirror
from lineage.services.integrity import dataset_version_checksum_fill


@receiver(pre_save, sender=DatasetVersion, dispatch_uid="lineage-held-checksum")
def _checksum_held_data_on_registration(sender, instance: DatasetVersion, raw=False,
                                        **kwargs) -> None:
    """Every path that registers a held dataset version (service, admin, API, fixtures
    excepted) gets its checksum computed from the stored bytes before the first save."""
    if not raw and instance._state.adding:
        dataset_version_checksum_fill(instance)


@receiver(model_version_registered, dispatch_uid="lineage-mirror-on-registration")
def _mirror_links_on_registration(sender, version, **kwargs) -> None:
    """A registered version's training data joins the graph (impact analysis sees it)."""
    model_version_links_mirror(version)


@receiver(post_save, sender=ModelVersionDataset, dispatch_uid="lineage-mirror-link")
def _mirror_recorded_link(sender, instance: ModelVersionDataset, created: bool, raw=False,
                          **kwargs) -> None:
    """A dataset link recorded later also joins the graph, in the same transaction (a
    refused link leaves no edge behind)."""
    if created and not raw:
        model_version_links_mirror(instance.model_version)


@receiver(post_delete, sender=ModelVersionDataset, dispatch_uid="lineage-unmirror-link")
def _unmirror_removed_link(sender, instance: ModelVersionDataset, **kwargs) -> None:
    """A removed link leaves the graph too (unless the same pair is linked in another role)."""
    model_version_link_unmirror(instance.model_version_id, instance.dataset_version_id)
