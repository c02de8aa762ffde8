"""Versions: the exact artefacts of a model or dataset at one point of its life."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import ModelStage

from .assets import Dataset, MLModel

__all__ = ["FROZEN_STAGES", "DatasetVersion", "ModelVersion"]

# A version that reached production is evidence: from then on only its stage moves on
# (deprecated, archived, retired) and nothing else changes by any path (DESIGN.md).
FROZEN_STAGES = frozenset({ModelStage.PRODUCTION, ModelStage.DEPRECATED, ModelStage.ARCHIVED,
                           ModelStage.RETIRED})
_CHANGEABLE_WHEN_FROZEN = frozenset({"stage", "updated_at"})


def _frozen_error(names) -> ValidationError:
    return ValidationError(
        "This version has reached production and is frozen: "
        + ", ".join(sorted(names)) + " cannot change. Register a new version instead.")

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 checksum is 64 lowercase hex digits.")


class ModelVersionQuerySet(GovernedQuerySet):
    """Versions; bulk writes and deletes refuse frozen (ever in production) rows."""

    def for_list(self):
        return self.select_related("model", "model__team", "created_by", "branch")\
            .prefetch_related("aliases", "dataset_links")

    def _refuse_frozen(self, fields, rows) -> None:
        changing = set(fields) - _CHANGEABLE_WHEN_FROZEN
        if changing and rows.filter(stage__in=FROZEN_STAGES).exists():
            raise _frozen_error(changing)

    def update(self, **kwargs):
        self._refuse_frozen(kwargs, self)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        self._refuse_frozen(fields, self.model._base_manager.filter(pk__in=[o.pk for o in objs]))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self):
        if self.filter(stage__in=FROZEN_STAGES).exists():
            raise ValidationError("Versions that reached production are never deleted.")
        return super().delete()


class ModelVersion(GovernedModel):
    """One version of a registered model, numbered 1, 2, 3... per model without gaps."""

    model = models.ForeignKey(MLModel, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(editable=False)
    stage = models.CharField(max_length=20, choices=ModelStage.choices, default=ModelStage.DRAFT,
                             db_index=True)
    description = models.TextField(blank=True)
    artifact_uri = models.CharField(max_length=500, blank=True)
    artifact_sha256 = models.CharField(max_length=64, blank=True, validators=[sha256_validator])
    artifact_size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    training_date = models.DateField(null=True, blank=True)
    input_schema = models.JSONField(null=True, blank=True)
    output_schema = models.JSONField(null=True, blank=True)
    evaluation_metrics = models.JSONField(default=dict, blank=True)
    training_environment = models.TextField(blank=True)
    inference_requirements = models.TextField(blank=True)
    code_repository = models.CharField(max_length=300, blank=True)
    code_commit = models.CharField(max_length=64, blank=True)
    code_commit_signed = models.BooleanField(
        null=True, blank=True,
        help_text="Whether the commit carries a verified signature (empty: not known).")
    # Granular versioning pins the environment as its own artefact (a container image).
    environment_uri = models.CharField(max_length=500, blank=True,
                                       help_text="Container image or environment lock file.")
    environment_size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    branch = models.ForeignKey("inventory.ModelBranch", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="versions",
                               help_text="The line of versions it belongs to (main if empty).")
    datasets = models.ManyToManyField("inventory.DatasetVersion", through="inventory.ModelVersionDataset",
                                      related_name="model_versions", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["model", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["model", "version"], name="modelversion_unique_number",
                                    violation_error_message="This version number already exists."),
        ]
        indexes = [models.Index(fields=["model", "stage"])]

    def __str__(self) -> str:
        return f"{self.model.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:mlmodel_detail", args=[self.model_id]) + f"#v{self.version}"

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A version is as visible as its model."""
        visible_models = MLModel.restrict_visibility(MLModel.objects.all(), user, action)
        return queryset.filter(model__in=visible_models.values("pk"))

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self._refuse_frozen_changes(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        # A version in production marks its model for ever (deletion refused, DESIGN.md).
        if self.stage == ModelStage.PRODUCTION and not self.model.ever_in_production:
            self.model.ever_in_production = True
            self.model.save(update_fields=["ever_in_production", "updated_at"])

    def delete(self, *args, **kwargs):
        if self.stage in FROZEN_STAGES or type(self)._base_manager.filter(
                pk=self.pk, stage__in=FROZEN_STAGES).exists():
            raise ValidationError("Versions that reached production are never deleted.")
        return super().delete(*args, **kwargs)

    def _refuse_frozen_changes(self, update_fields) -> None:
        """Compare with the stored row: once frozen, only the stage may move on."""
        fields = [f for f in self._meta.concrete_fields
                  if f.name not in _CHANGEABLE_WHEN_FROZEN and f.name != "id"
                  and (update_fields is None or f.name in update_fields
                       or f.attname in update_fields)]
        stored = type(self)._base_manager.filter(pk=self.pk).values(
            "stage", *[f.attname for f in fields]).first()
        if stored is None or stored["stage"] not in FROZEN_STAGES:
            return
        changed = [f.name for f in fields if stored[f.attname] != getattr(self, f.attname)]
        if changed:
            raise _frozen_error(changed)


class DatasetVersionQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("dataset", "dataset__team")


class DatasetVersion(GovernedModel):
    """One version of a dataset: where its bytes are and their checksum."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(editable=False)
    uri = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, validators=[sha256_validator])
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    schema = models.JSONField(null=True, blank=True)

    objects = DatasetVersionQuerySet.as_manager()

    class Meta:
        ordering = ["dataset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"],
                                    name="datasetversion_unique_number",
                                    violation_error_message="This version number already exists."),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:dataset_detail", args=[self.dataset_id]) + f"#v{self.version}"

    def hidden_fields_for(self, user) -> frozenset[str]:
        """The location of a sensitive dataset's version is hidden like its datasheet."""
        return frozenset() if self.dataset.details_visible_to(user) else frozenset({"uri"})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A dataset version is as visible as its dataset."""
        visible = Dataset.restrict_visibility(Dataset.objects.all(), user, action)
        return queryset.filter(dataset__in=visible.values("pk"))
