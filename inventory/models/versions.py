"""Versions: the exact artefacts of a model or dataset at one point of its life."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from inventory.base.models import GovernedModel, GovernedQuerySet
from inventory.choices import ModelStage

from .assets import Dataset, MLModel

__all__ = ["DatasetVersion", "ModelVersion"]

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 checksum is 64 lowercase hex digits.")


class ModelVersionQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model", "model__team", "created_by")


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
        super().save(*args, **kwargs)
        # A version in production marks its model for ever (deletion refused, DESIGN.md).
        if self.stage == ModelStage.PRODUCTION and not self.model.ever_in_production:
            self.model.ever_in_production = True
            self.model.save(update_fields=["ever_in_production", "updated_at"])


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

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A dataset version is as visible as its dataset."""
        visible = Dataset.restrict_visibility(Dataset.objects.all(), user, action)
        return queryset.filter(dataset__in=visible.values("pk"))
