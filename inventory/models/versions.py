"""Versions: the exact artefacts of a model or dataset at one point of its life, and the
dataset versions a model version was trained, validated and tested on.

`ModelVersionDataset` pins each dataset version *with its checksum at the time of linking*,
so an audit can reproduce a version even after the dataset moved on, and notice when the
bytes behind a URI changed. A version that reached production is frozen evidence
(`FROZEN_STAGES`): neither its fields nor its dataset links change by any path.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import DatasetRole, ModelStage, StorageMode
from inventory.validators import validate_json_schema, validate_labels, validate_metrics

from .catalogue import Dataset, MLModel

__all__ = [
    "FROZEN_STAGES",
    "DatasetVersion",
    "DatasetVersionQuerySet",
    "ModelVersion",
    "ModelVersionDataset",
    "ModelVersionDatasetQuerySet",
    "ModelVersionQuerySet",
    "environment_digest_validator",
    "sha256_validator",
]


# A version that reached production is evidence: from then on only its stage moves on
# (deprecated, archived, retired) and nothing else changes by any path (docs/architecture.md).
FROZEN_STAGES = frozenset({ModelStage.PRODUCTION, ModelStage.DEPRECATED, ModelStage.ARCHIVED,
                           ModelStage.RETIRED})


_CHANGEABLE_WHEN_FROZEN = frozenset({"stage", "updated_at"})


def _frozen_error(names) -> ValidationError:
    return ValidationError(
        "This version has reached production and is frozen: "
        + ", ".join(sorted(names)) + " cannot change. Register a new version instead.")


sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 checksum is 64 lowercase hex digits.")

# An image digest as registries print it (sha256:<hex>) or the bare SHA-256 of a lock file.
environment_digest_validator = RegexValidator(
    r"^(sha256:)?[0-9a-f]{64}$",
    "An environment digest is a container image digest (sha256: and 64 lowercase hex "
    "digits) or the SHA-256 of the environment lock file (64 lowercase hex digits).")


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
    input_schema = models.JSONField(null=True, blank=True, validators=[validate_json_schema])
    output_schema = models.JSONField(null=True, blank=True, validators=[validate_json_schema])
    evaluation_metrics = models.JSONField(default=dict, blank=True, validators=[validate_metrics])
    training_environment = models.TextField(blank=True)
    inference_requirements = models.TextField(blank=True)
    code_repository = models.CharField(max_length=300, blank=True)
    code_commit = models.CharField(max_length=64, blank=True)
    # Custodia does not verify signatures: this is what the registering client reports.
    code_commit_signed = models.BooleanField(
        null=True, blank=True, verbose_name="commit reported as signed by the client",
        help_text="Whether the client that registered the version reported the commit as "
                  "signed; Custodia does not verify the signature (empty: not reported).")
    # Granular versioning pins the environment as its own artefact (a container image).
    environment_uri = models.CharField(max_length=500, blank=True,
                                       help_text="Container image or environment lock file.")
    environment_digest = models.CharField(
        max_length=71, blank=True, validators=[environment_digest_validator],
        help_text="Pins the environment: the container image digest (sha256:…) or the "
                  "SHA-256 of the environment lock file.")
    environment_size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    run_id = models.CharField(
        max_length=100, blank=True, db_index=True,
        help_text="The experiment tracker's run that produced this version (an MLflow run id).")
    run_link = models.CharField(max_length=500, blank=True,
                                help_text="Link to that run in the experiment tracker.")
    labels = models.JSONField(
        default=dict, blank=True, validators=[validate_labels],
        help_text='Key/value labels, e.g. {"validated_by": "ci"}; the MLflow client reads and '
                  "writes them as the version's tags.")
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
        # A version in production marks its model for ever (deletion refused, docs/architecture.md).
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
    schema = models.JSONField(null=True, blank=True, validators=[validate_json_schema])

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

    def clean(self) -> None:
        super().clean()
        # Held storage: a held dataset's bytes are Custodia's own copy, never a pointer.
        if (self.dataset_id and self.dataset.storage_mode == StorageMode.HELD and self.uri
                and not self.uri.startswith("custodia://")):
            raise ValidationError({"uri": [
                "A held dataset keeps its bytes in Custodia's storage: leave the location "
                "empty, then upload the file or copy it in from an allowed folder."]})

    def hidden_fields_for(self, user) -> frozenset[str]:
        """The location of a sensitive dataset's version is hidden like its datasheet."""
        return frozenset() if self.dataset.details_visible_to(user) else frozenset({"uri"})

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A dataset version is as visible as its dataset."""
        visible = Dataset.restrict_visibility(Dataset.objects.all(), user, action)
        return queryset.filter(dataset__in=visible.values("pk"))


# --------------------------------------------------------------------------------------
# Dataset links
# --------------------------------------------------------------------------------------
def _links_frozen_error() -> ValidationError:
    return ValidationError(
        "This version has reached production and is frozen: the dataset versions it was "
        "trained, validated and tested on cannot change. Register a new version instead.")


class ModelVersionDatasetQuerySet(GovernedQuerySet):
    """Links; every bulk path refuses rows of a frozen version (house style, rule 5)."""

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
