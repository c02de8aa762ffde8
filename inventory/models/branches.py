"""Branches and aliases of model versions, with the alias move log.

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
from django.urls import reverse
from django.utils import timezone

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import BranchKind

from .catalogue import MLModel
from .versions import ModelVersion

__all__ = [
    "BRANCH_PREFIXES",
    "AliasMove",
    "AliasMoveQuerySet",
    "ModelAlias",
    "ModelAliasQuerySet",
    "ModelBranch",
    "ModelBranchQuerySet",
    "alias_name_validator",
    "branch_kind_for",
    "branch_name_validator",
]


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
