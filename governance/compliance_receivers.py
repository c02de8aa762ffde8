"""Receivers that keep compliance statuses current: a change to a model, its versions, its
data, its deployments or its integrity findings recomputes that model after commit; a
change to a framework version or requirement recomputes every model (a job).

Metric observations are not watched (they arrive by the thousand); the scheduled full
recompute picks up a model that started or stopped reporting metrics.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from governance.models import FrameworkVersion, Requirement
from governance.services.compliance import compliance_recompute_all_soon, compliance_recompute_soon
from inventory.models import Dataset, Deployment, MLModel, ModelVersion, ModelVersionDataset
from lineage.models import IntegrityFinding


def _version_model(version_id: int | None) -> list[int]:
    return list(ModelVersion.objects.filter(pk=version_id).values_list("model_id", flat=True))


@receiver(post_save, sender=MLModel, dispatch_uid="governance-compliance-model")
def _model_saved(sender, instance: MLModel, raw=False, **kwargs) -> None:
    if not raw:
        compliance_recompute_soon([instance.pk], trigger="Model changed")


@receiver(post_save, sender=ModelVersion, dispatch_uid="governance-compliance-version")
def _version_saved(sender, instance: ModelVersion, raw=False, **kwargs) -> None:
    if not raw:
        compliance_recompute_soon([instance.model_id], trigger="Model version changed")


@receiver(post_save, sender=ModelVersionDataset, dispatch_uid="governance-compliance-link")
@receiver(post_delete, sender=ModelVersionDataset, dispatch_uid="governance-compliance-unlink")
def _dataset_link_changed(sender, instance: ModelVersionDataset, raw=False, **kwargs) -> None:
    if not raw:
        compliance_recompute_soon(_version_model(instance.model_version_id),
                                  trigger="Data used by a version changed")


@receiver(post_save, sender=Dataset, dispatch_uid="governance-compliance-dataset")
def _dataset_saved(sender, instance: Dataset, raw=False, **kwargs) -> None:
    if raw:
        return
    models = (ModelVersionDataset.objects.filter(dataset_version__dataset=instance)
              .values_list("model_version__model_id", flat=True).distinct())
    compliance_recompute_soon(list(models), trigger=f"Dataset {instance.name} changed")


@receiver(post_save, sender=Deployment, dispatch_uid="governance-compliance-deployment")
@receiver(post_delete, sender=Deployment, dispatch_uid="governance-compliance-undeploy")
def _deployment_changed(sender, instance: Deployment, raw=False, **kwargs) -> None:
    if not raw:
        compliance_recompute_soon(_version_model(instance.model_version_id),
                                  trigger="Deployment changed")


@receiver(post_save, sender=IntegrityFinding, dispatch_uid="governance-compliance-finding")
def _finding_saved(sender, instance: IntegrityFinding, raw=False, **kwargs) -> None:
    if not raw and instance.model_version_id:
        compliance_recompute_soon(_version_model(instance.model_version_id),
                                  trigger="Integrity finding changed")


@receiver(post_save, sender=Requirement, dispatch_uid="governance-compliance-requirement")
@receiver(post_delete, sender=Requirement, dispatch_uid="governance-compliance-requirement-gone")
@receiver(post_save, sender=FrameworkVersion, dispatch_uid="governance-compliance-version-rule")
@receiver(post_delete, sender=FrameworkVersion, dispatch_uid="governance-compliance-version-gone")
def _rules_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        compliance_recompute_all_soon(reason=f"{sender._meta.verbose_name.capitalize()} "
                                             f"“{instance}” changed")
