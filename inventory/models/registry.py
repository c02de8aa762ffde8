"""The registry around model versions (issue 4): the dataset versions a version was trained,
validated and tested on, branches, and aliases with their move log.

Why these rows exist:
- `ModelVersionDataset` pins each dataset version *with its checksum at the time of
  linking*, so an audit can reproduce a version even after the dataset moved on, and
  notice when the bytes behind a URI changed. Links of a frozen version never change.
- `ModelBranch` lets versions live on branches like software (`main`, `exp/...`,
  `drift-test/...`), forked from a parent version; a drift-test branch says which drift
  scenario it tests.
- `ModelAlias` names the version that plays a role (`champion`, `challenger`); every move
  is also an append-only `AliasMove` row (who, when, from, to, why), which answers
  "which version was champion on 2026-03-01, who moved it there and why?".
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import BranchKind, DatasetRole

from .assets import MLModel
from .versions import FROZEN_STAGES, DatasetVersion, ModelVersion, sha256_validator

__all__ = [
    "AliasMove",
    "ModelAlias",
    "ModelBranch",
    "ModelVersionDataset",
    "branch_kind_for",
]


# --------------------------------------------------------------------------------------
# Dataset links
# --------------------------------------------------------------------------------------
def _links_frozen_error() -> ValidationError:
    return ValidationError(
        "This version has reached production and is frozen: the dataset versions it was "
        "trained, validated and tested on cannot change. Register a new version instead.")


class ModelVersionDatasetQuerySet(GovernedQuerySet):
    """Links; every bulk path refuses rows of a frozen version (CONVENTIONS.md rule 5)."""

    def for_list(self):
        return self.select_related("dataset_version", "dataset_version__dataset")

    def _refuse_frozen(self) -> None:
        if self.filter(model_version__stage__in=FROZEN_STAGES).exists():
            raise _links_frozen_error()

    def update(self, **kwargs):
        self._refuse_frozen()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if self.model._base_manager.filter(pk__in=[o.pk for o in objs],
                                           model_version__stage__in=FROZEN_STAGES).exists():
            raise _links_frozen_error()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if ModelVersion._base_manager.filter(
                pk__in={o.model_version_id for o in objs}, stage__in=FROZEN_STAGES).exists():
            raise _links_frozen_error()
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        self._refuse_frozen()
        return super().delete()


class ModelVersionDataset(GovernedModel):
    """A dataset version a model version was trained, validated or tested on, with the
    dataset version's checksum and size as they were when the link was recorded."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE,
                                      related_name="dataset_links")
    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.PROTECT,
                                        related_name="model_version_links")
    role = models.CharField(max_length=20, choices=DatasetRole.choices, db_index=True)
    checksum_at_link = models.CharField(
        max_length=64, blank=True, validators=[sha256_validator],
        help_text="SHA-256 of the dataset version when the link was recorded.")
    size_at_link = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")

    objects = ModelVersionDatasetQuerySet.as_manager()

    class Meta:
        ordering = ["model_version", "role", "dataset_version"]
        verbose_name = "dataset link of a model version"
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "dataset_version", "role"],
                name="modelversiondataset_unique_role",
                violation_error_message="This dataset version is already linked in this role."),
        ]

    def __str__(self) -> str:
        return f"{self.model_version} {self.get_role_display().lower()} on {self.dataset_version}"

    def get_absolute_url(self) -> str:
        return self.model_version.get_absolute_url()

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A link is as visible as its model version."""
        versions = ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action)
        return queryset.filter(model_version__in=versions.values("pk"))

    def _version_frozen(self) -> bool:
        return ModelVersion._base_manager.filter(
            pk=self.model_version_id, stage__in=FROZEN_STAGES).exists()

    def save(self, *args, **kwargs) -> None:
        if self._version_frozen():
            raise _links_frozen_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_frozen():
            raise _links_frozen_error()
        return super().delete(*args, **kwargs)


# --------------------------------------------------------------------------------------
# Branches
# --------------------------------------------------------------------------------------
BRANCH_PREFIXES = {"exp/": BranchKind.EXPERIMENT, "drift-test/": BranchKind.DRIFT_TEST}
branch_name_validator = RegexValidator(
    r"^(main|(exp|drift-test)/[a-z0-9][a-z0-9._-]{0,80})$",
    "A branch is `main`, `exp/<name>` or `drift-test/<name>` (lower case, digits, . _ -), "
    "e.g. `exp/deeper-trees` or `drift-test/q3-income-shift`.")


def branch_kind_for(name: str) -> str:
    """The kind a branch name says: `main`, an experiment or a drift test."""
    for prefix, kind in BRANCH_PREFIXES.items():
        if name.startswith(prefix):
            return kind
    return BranchKind.MAIN


class ModelBranchQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model", "parent_version", "created_by")


class ModelBranch(GovernedModel):
    """A line of versions of one model, forked from a parent version (none for `main`)."""

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField(max_length=100, validators=[branch_name_validator])
    kind = models.CharField(max_length=20, choices=BranchKind.choices, editable=False,
                            db_index=True)
    parent_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.CASCADE,
        related_name="child_branches", help_text="The version this branch was forked from.")
    drift_scenario = models.TextField(
        blank=True, help_text="For drift-test branches: the drift this branch tests, e.g. "
                              "“income distribution shifted +15% (Q3 2026 recession scenario)”.")
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ModelBranchQuerySet.as_manager()

    class Meta:
        ordering = ["model", "name"]
        verbose_name = "branch"
        verbose_name_plural = "branches"
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="modelbranch_unique_name",
                                    violation_error_message="This model already has a branch "
                                                            "with this name."),
            models.CheckConstraint(
                condition=~models.Q(kind=BranchKind.DRIFT_TEST) | ~models.Q(drift_scenario=""),
                name="modelbranch_drift_scenario_required",
                violation_error_message="A drift-test branch must say which drift scenario "
                                        "it tests."),
        ]

    def __str__(self) -> str:
        return f"{self.model.name}@{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:mlmodel_detail", args=[self.model_id]) + "#versions"

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A branch is as visible as its model."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model__in=visible.values("pk"))

    def clean(self) -> None:
        super().clean()
        self.kind = branch_kind_for(self.name or "")
        errors: dict[str, list[str]] = {}
        if self.kind == BranchKind.DRIFT_TEST and not (self.drift_scenario or "").strip():
            errors["drift_scenario"] = ["A drift-test branch must say which drift scenario "
                                        "it tests (what shifted, by how much, why)."]
        if self.parent_version_id and self.model_id and \
                self.parent_version.model_id != self.model_id:
            errors["parent_version"] = ["The parent version must be a version of the same "
                                        "model."]
        if self.kind == BranchKind.MAIN and self.parent_version_id:
            errors["parent_version"] = ["`main` is the trunk: it has no parent version."]
        if self.kind != BranchKind.MAIN and not self.parent_version_id:
            errors["parent_version"] = ["Say which version this branch is forked from."]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.kind = branch_kind_for(self.name or "")
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------------------
# Aliases
# --------------------------------------------------------------------------------------
alias_name_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{0,49}$",
    "An alias is a short lower-case word, e.g. `champion`, `challenger` or `shadow-eu`.")


class ModelAliasQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model", "version", "moved_by")


class ModelAlias(GovernedModel):
    """A name (`champion`, `challenger`...) pointing at one version of a model.

    Moved only by `inventory.services.versions.model_alias_set`, which writes the
    `AliasMove` row and the history row with the reason.
    """

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=50, validators=[alias_name_validator])
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="aliases")
    moved_at = models.DateTimeField(default=timezone.now, db_index=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(help_text="Why the alias points at this version.")

    objects = ModelAliasQuerySet.as_manager()

    class Meta:
        ordering = ["model", "name"]
        verbose_name = "alias"
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="modelalias_unique_name",
                                    violation_error_message="This model already has an alias "
                                                            "with this name; move it instead."),
        ]

    def __str__(self) -> str:
        return f"{self.model.name}@{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:mlmodel_detail", args=[self.model_id]) + "#versions"

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """An alias is as visible as its model."""
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model__in=visible.values("pk"))

    def clean(self) -> None:
        super().clean()
        if self.version_id and self.model_id and self.version.model_id != self.model_id:
            raise ValidationError({"version": ["An alias points at a version of its own "
                                               "model."]})


class AliasMoveQuerySet(models.QuerySet):
    """The move log is append-only: no bulk update or delete."""

    def update(self, **kwargs):
        raise ValidationError("The alias move log is append-only.")

    def delete(self):
        raise ValidationError("The alias move log is append-only.")


class AliasMove(models.Model):
    """One move of an alias: from which version to which (None: alias removed), when, by
    whom, why. Append-only evidence for point-in-time questions."""

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="alias_moves")
    alias_name = models.CharField(max_length=50, db_index=True)
    # CASCADE only matters when a never-deployed model is deleted with its versions; a
    # version that reached production is never deleted, so its moves stay for good.
    from_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    to_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now, db_index=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(max_length=200, help_text="Who moved it, as text (kept if the "
                                                       "account is deleted), or the job.")
    reason = models.TextField()

    objects = AliasMoveQuerySet.as_manager()

    class Meta:
        ordering = ["model", "-moved_at", "-id"]
        indexes = [models.Index(fields=["model", "alias_name", "moved_at"])]

    def __str__(self) -> str:
        target = f"v{self.to_version.version}" if self.to_version_id else "removed"
        return f"{self.model.name}@{self.alias_name} → {target} ({self.moved_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError("The alias move log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The alias move log is append-only.")

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        visible = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model__in=visible.values("pk"))


# --------------------------------------------------------------------------------------
# Guard on the many-to-many door (`version.datasets.add/remove/set/clear`)
# --------------------------------------------------------------------------------------
@receiver(m2m_changed, sender=ModelVersion.datasets.through,
          dispatch_uid="inventory-frozen-version-dataset-links")
def _refuse_link_changes_of_frozen_versions(sender, instance, action: str, reverse: bool,
                                            pk_set, **kwargs) -> None:
    """`version.datasets.add(...)` (and `dataset_version.model_versions.add(...)`) skip
    `ModelVersionDataset.save()`: refuse them here for frozen versions."""
    if not action.startswith("pre_"):
        return
    if reverse:
        versions = ModelVersion._base_manager.filter(pk__in=pk_set or ()) if action != \
            "pre_clear" else ModelVersion._base_manager.filter(dataset_links__dataset_version=instance)
    else:
        versions = ModelVersion._base_manager.filter(pk=instance.pk)
    if versions.filter(stage__in=FROZEN_STAGES).exists():
        raise _links_frozen_error()
