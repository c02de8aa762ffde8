"""Catalogue: teams, tags, compliance tags, the governed assets (models, datasets, features,
pipelines) and saved searches.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.choices import (
    SENSITIVE_CLASSES,
    AccessFrequency,
    AssetClassification,
    BusinessImpact,
    ModelStage,
    Origin,
    PurposeCategory,
    Redistribution,
    RiskTier,
    Sensitivity,
    StorageMode,
    TrackedArtefact,
    VersioningStrategy,
)
from inventory.validators import (
    validate_json_schema,
    validate_labels,
    validate_metrics,
    validate_spdx_licence,
)

__all__ = [
    "HELD_MAX_BYTES",
    "HOT_REFERENCE_BYTES",
    "Asset",
    "AssetQuerySet",
    "ComplianceTag",
    "Dataset",
    "Feature",
    "FeatureQuerySet",
    "MLModel",
    "MLModelQuerySet",
    "Pipeline",
    "SavedSearch",
    "Tag",
    "Team",
    "storage_mode_recommendation",
]


# Above this size a full copy costs more than it protects: keep a reference (50 GiB).
HELD_MAX_BYTES = 50 * 1024**3


# Read this often and this big, data belongs next to the compute that reads it (1 GiB).
HOT_REFERENCE_BYTES = 1024**3


def storage_mode_recommendation(*, size: int | None, sensitivity: str,
                                access_frequency: str) -> tuple[str, str]:
    """Held or referenced, and why, from the data's size, sensitivity and how often it is
    read (GDPR art. 9). Sensitive data that fits is held, so access, integrity and retention
    are Custodia's; data that is big, or big and read all the time, stays where it is."""
    if size is None:
        return StorageMode.REFERENCED, "Size unknown: record a version's size to decide."
    if size > HELD_MAX_BYTES:
        return StorageMode.REFERENCED, "Larger than 50 GiB: a full copy would cost more than it protects."
    if sensitivity in SENSITIVE_CLASSES or sensitivity == Sensitivity.CONFIDENTIAL:
        return StorageMode.HELD, ("Sensitive data small enough to hold: access, integrity checks "
                                  "and retention stay under Custodia's control.")
    if access_frequency in (AccessFrequency.DAILY, AccessFrequency.CONTINUOUS) and (
            size > HOT_REFERENCE_BYTES):
        return StorageMode.REFERENCED, "Read daily or continuously: keep it next to the compute."
    if access_frequency == AccessFrequency.RARE:
        return StorageMode.HELD, ("Rarely read: a held copy keeps training runs reproducible "
                                  "at little cost.")
    return StorageMode.REFERENCED, "Not sensitive and read regularly: a reference is enough."


# --------------------------------------------------------------------------------------
# Ownership and classification vocabularies
# --------------------------------------------------------------------------------------
class Team(GovernedModel):
    """A team within a business unit: owns assets and bears their cost."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    business_unit = models.CharField(max_length=100, db_index=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free tag, created on first use."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComplianceTag(GovernedModel):
    """A controlled tag (e.g. `gdpr-art22`, `sr-11-7`): only administrators create them."""

    name = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------
class AssetQuerySet(GovernedQuerySet):
    def for_list(self):
        """Team, owner, steward joined; tags prefetched: a constant query count per page."""
        return self.select_related("team", "owner", "steward").prefetch_related(
            "tags", "compliance_tags")


def _rank(field: str, values: list[str]) -> models.Case:
    """Position of a choice in its natural order (low < critical), for sorting."""
    return models.Case(*[models.When(**{field: value}, then=models.Value(i))
                         for i, value in enumerate(values)],
                       default=models.Value(len(values)), output_field=models.IntegerField())


class MLModelQuerySet(AssetQuerySet):
    def delete(self):
        """Models that ever reached production are never deleted, by any path."""
        if self.filter(ever_in_production=True).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError("Models that have been in production can never be deleted.")
        return super().delete()

    def with_ranks(self):
        """`risk_rank` (low → critical) and `stage_rank` (draft → retired), so lists sort
        by meaning rather than alphabetically; order by them like any field."""
        return self.alias(risk_rank=_rank("risk_tier", RiskTier.values),
                          stage_rank=_rank("stage", ModelStage.values))

    def for_list(self):
        return super().for_list().with_ranks()


class FeatureQuerySet(AssetQuerySet):
    def for_list(self):
        return super().for_list().select_related("dataset")


class Asset(GovernedModel):
    """Fields every catalogue asset shares: name, purpose, ownership, tags, scope."""

    name = models.CharField(max_length=100, db_index=True)
    purpose = models.TextField(blank=True, help_text="What the asset is for, in plain words.")
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="owned_%(class)ss",
                              help_text="Accountable for the asset.")
    steward = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="stewarded_%(class)ss",
                                help_text="Looks after its quality and access day to day.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="%(class)ss")
    domain = models.CharField(max_length=60, blank=True, db_index=True,
                              help_text="Business domain, e.g. credit, fraud, marketing.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="%(class)ss")
    compliance_tags = models.ManyToManyField(ComplianceTag, blank=True, related_name="%(class)ss")
    confidential = models.BooleanField(
        default=False, db_index=True,
        help_text="Visible only to its team and to people it is explicitly shared with.")
    tracked_artefacts = models.JSONField(
        default=list, blank=True,
        help_text="Which artefacts of this asset are tracked and versioned: "
                  + ", ".join(TrackedArtefact.values) + ".")

    objects = AssetQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """Confidential assets stay within their team (explicit grants are added on top)."""
        return queryset.filter(Q(confidential=False) | Q(team__members=user)).distinct()


class MLModel(Asset):
    """A registered model: what it is for, who owns it, where it came from, its risk."""

    stage = models.CharField(max_length=20, choices=ModelStage.choices, default=ModelStage.DRAFT,
                             db_index=True, help_text="Lifecycle stage of the latest version.")
    # A new model is `high` until a risk officer or the risk assessment says otherwise, so
    # that the stricter metadata standard applies meanwhile.
    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, default=RiskTier.HIGH,
                                 db_index=True)
    purpose_category = models.CharField(max_length=30, choices=PurposeCategory.choices,
                                        default=PurposeCategory.INTERNAL_OPERATIONS)
    # Decisions about people without a person deciding (GDPR art. 22, EU AI Act art. 14).
    automated_decisions = models.BooleanField(
        default=False, db_index=True,
        help_text="Its output decides about people (credit, hiring, claims…) without a person "
                  "deciding each case.")
    human_oversight = models.TextField(
        blank=True, help_text="How a person can review, override or stop its decisions.")
    impact_assessment_url = models.URLField(
        blank=True, max_length=500,
        help_text="Where its data protection or AI impact assessment is kept.")

    # Blank on a form or payload means "not declared yet": `clean()` stores the default, so
    # clients that predate the field keep working.
    business_impact = models.CharField(
        max_length=10, choices=BusinessImpact.choices, default=BusinessImpact.MEDIUM,
        blank=True, db_index=True,
        help_text="What the business loses when this model degrades; weighs in the "
                  "retraining priority. Not declared: medium.")
    development_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                           help_text="Capitalisable development cost, in EUR.")
    classification = models.CharField(max_length=30, choices=AssetClassification.choices,
                                      blank=True, db_index=True)
    classification_rationale = models.TextField(blank=True)
    # Third-party and open-weight models
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.INTERNAL,
                              db_index=True)
    supplier = models.CharField(max_length=120, blank=True)
    source_url = models.URLField(blank=True)
    licence = models.CharField(max_length=200, blank=True, db_index=True,
                               validators=[validate_spdx_licence],
                               help_text="SPDX licence identifier or expression, e.g. Apache-2.0.")
    permitted_uses = models.TextField(blank=True)
    redistribution = models.CharField(max_length=20, choices=Redistribution.choices,
                                      default=Redistribution.NOT_APPLICABLE, db_index=True)
    redistribution_terms = models.TextField(blank=True)
    attribution = models.TextField(blank=True, help_text="Attribution the licence requires.")
    # Model card (Mitchell et al., "Model Cards for Model Reporting"); the purpose above is
    # its intended use, each version adds its metrics and data.
    out_of_scope_uses = models.TextField(
        blank=True, help_text="Uses the model is not meant for, and why.")
    factors = models.TextField(
        blank=True, help_text="Groups, instruments and environments its performance may vary "
                              "across (e.g. age bands, regions, channels).")
    ethical_considerations = models.TextField(
        blank=True, help_text="Risks to people, sensitive data used, mitigations.")
    caveats = models.TextField(blank=True,
                               help_text="Known limitations and recommendations for users.")
    # Current metadata (each version records its own as well)
    training_date = models.DateField(null=True, blank=True)
    input_schema = models.JSONField(null=True, blank=True, validators=[validate_json_schema],
                                    help_text="A JSON Schema document.")
    output_schema = models.JSONField(null=True, blank=True, validators=[validate_json_schema],
                                     help_text="A JSON Schema document.")
    evaluation_metrics = models.JSONField(default=dict, blank=True, validators=[validate_metrics],
                                          help_text='Metric name to value, e.g. {"auc": 0.82}.')
    training_environment = models.TextField(blank=True)
    inference_requirements = models.TextField(blank=True)
    versioning_strategy = models.CharField(
        max_length=20, choices=VersioningStrategy.choices, default=VersioningStrategy.GRANULAR,
        help_text="Granular: model, data, code and environment versioned and pinned "
                  "separately (more traceable, data stored once). Monolithic: one bundle per "
                  "version (simpler, more storage).")
    labels = models.JSONField(
        default=dict, blank=True, validators=[validate_labels],
        help_text='Key/value labels, e.g. {"framework": "sklearn"}; the MLflow client reads '
                  "and writes them as the model's tags.")
    ever_in_production = models.BooleanField(
        default=False, editable=False,
        help_text="Set when any version reaches production; such a model can never be deleted.")
    # Periodic model review (SR 11-7 "ongoing monitoring"; EU AI Act art. 9 risk management
    # "regularly reviewed and updated"): changed only by recording a review.
    last_reviewed_on = models.DateField(
        null=True, blank=True, editable=False, db_index=True,
        help_text="When the model was last reviewed (its fitness for purpose, risk and "
                  "documentation); recorded with a review, never typed in.")

    class Meta(Asset.Meta):
        verbose_name = "model"
        verbose_name_plural = "models"
        permissions = [
            ("request_promotion_mlmodel", "Can request promotion of a model"),
            ("promote_mlmodel", "Can promote a model"),
            ("deprecate_mlmodel", "Can deprecate a model"),
            ("set_risk_tier_mlmodel", "Can set the risk tier of a registered model"),
            ("set_compliance_tags_mlmodel", "Can set the compliance tags of a registered model"),
            ("report_metrics_mlmodel", "Can report metric observations of a model's versions"),
            ("report_deployment_mlmodel", "Can report deployments of a model's versions"),
            ("review_mlmodel", "Can record a periodic review of a model"),
        ]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="mlmodel_name_ci_unique",
                                    violation_error_message="A model with this name already exists."),
        ]
        indexes = [
            models.Index(fields=["team", "stage"]),
            models.Index(fields=["risk_tier", "stage"]),
        ]

    def get_absolute_url(self) -> str:
        return reverse("inventory:mlmodel_detail", args=[self.pk])

    objects = MLModelQuerySet.as_manager()

    def delete(self, *args, **kwargs):
        """Refused for a model that ever reached production (SR 11-7 / EU AI Act records)."""
        if self.ever_in_production or type(self)._base_manager.filter(
                pk=self.pk, ever_in_production=True).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError(f"“{self.name}” has been in production and can never be "
                                  "deleted. Deprecate or retire it instead.")
        return super().delete(*args, **kwargs)

    def save(self, *args, **kwargs) -> None:
        if not self.business_impact:
            self.business_impact = BusinessImpact.MEDIUM
        # Once in production, always "has been in production": deletion stays refused.
        if self.stage == ModelStage.PRODUCTION and not self.ever_in_production:
            self.ever_in_production = True
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "ever_in_production"}
        super().save(*args, **kwargs)


class Dataset(Asset):
    """A dataset (its versions record the exact bytes; provenance lives in lineage)."""

    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices,
                                   default=Sensitivity.INTERNAL, db_index=True)
    storage_mode = models.CharField(max_length=20, choices=StorageMode.choices,
                                    default=StorageMode.REFERENCED)
    residency_region = models.CharField(max_length=40, blank=True, db_index=True,
                                        help_text="Where the data must stay, e.g. eu, us.")
    access_frequency = models.CharField(
        max_length=20, choices=AccessFrequency.choices, default=AccessFrequency.MONTHLY,
        help_text="How often the data is read (feeds the storage recommendation).")
    # Datasheet (Gebru et al., "Datasheets for Datasets"): what auditors ask about the data.
    collection_method = models.TextField(blank=True, help_text="How the data was collected.")
    consent_basis = models.CharField(
        max_length=200, blank=True,
        help_text="Legal basis or consent under which the data is used (GDPR art. 6/9).")
    known_biases = models.TextField(blank=True, help_text="Known biases of the data.")
    limitations = models.TextField(blank=True, help_text="Known limitations and gaps.")
    intended_uses = models.TextField(blank=True, help_text="What the data may be used for.")
    prohibited_uses = models.TextField(blank=True, help_text="What the data must not be used for.")

    # Fields hidden from users without `view_sensitive_dataset` on sensitive datasets.
    DATASHEET_FIELDS = ("collection_method", "consent_basis", "known_biases", "limitations",
                        "intended_uses", "prohibited_uses")

    class Meta(Asset.Meta):
        permissions = [
            ("view_sensitive_dataset",
             "Can see the location and datasheet of PII, PHI and financial datasets"),
        ]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="dataset_name_ci_unique",
                                    violation_error_message="A dataset with this name already exists."),
        ]

    def storage_recommendation(self, size: int | None = None) -> tuple[str, str]:
        """(storage mode, reason) for this dataset; `size` defaults to its latest version's."""
        if size is None:
            size = self.versions.order_by("-version").values_list("size", flat=True).first()
        return storage_mode_recommendation(size=size, sensitivity=self.sensitivity,
                                           access_frequency=self.access_frequency)

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity in SENSITIVE_CLASSES

    @classmethod
    def details_visible_q(cls, user, prefix: str = "") -> Q:
        """Rows (of Dataset, or of a model reaching it through `prefix`, e.g. `dataset__`)
        whose location and datasheet `user` may see: not sensitive, or
        `view_sensitive_dataset` held on the role or granted on the dataset."""
        allowed = Dataset.objects.restrict(user, "view_sensitive_dataset").values("pk")
        key = prefix.removesuffix("__") if prefix else "pk"
        return (~Q(**{f"{prefix}sensitivity__in": list(SENSITIVE_CLASSES)})
                | Q(**{f"{key}__in": allowed}))

    def hidden_fields_for(self, user) -> frozenset[str]:
        """Fields every reader-facing path (history, admin, pages) must hide from `user`."""
        return frozenset() if self.details_visible_to(user) else frozenset(self.DATASHEET_FIELDS)

    def details_visible_to(self, user) -> bool:
        """Whether `user` may see this dataset's location and datasheet."""
        if not self.is_sensitive:
            return True
        from core.permissions import user_can

        return user_can(user, "view_sensitive_dataset", self)

    def get_absolute_url(self) -> str:
        return reverse("inventory:dataset_detail", args=[self.pk])


class Feature(Asset):
    """A feature served to models (from a feature store or computed in a pipeline)."""

    data_type = models.CharField(max_length=40, blank=True)
    objects = FeatureQuerySet.as_manager()
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="features")
    transformation = models.TextField(blank=True, help_text="How the feature is computed.")

    class Meta(Asset.Meta):
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="feature_name_ci_unique",
                                    violation_error_message="A feature with this name already exists."),
        ]

    def get_absolute_url(self) -> str:
        return reverse("inventory:feature_detail", args=[self.pk])


class Pipeline(Asset):
    """A training or inference pipeline, with where its code lives."""

    repository_url = models.URLField(blank=True)
    orchestrator = models.CharField(max_length=60, blank=True, help_text="Airflow, Kubeflow, ...")
    schedule = models.CharField(max_length=60, blank=True)

    class Meta(Asset.Meta):
        constraints = [
            models.UniqueConstraint(models.functions.Lower("name"), name="pipeline_name_ci_unique",
                                    violation_error_message="A pipeline with this name already exists."),
        ]

    def get_absolute_url(self) -> str:
        return reverse("inventory:pipeline_detail", args=[self.pk])


class SavedSearch(models.Model):
    """A user's named filter of a list page, reopened with one click."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved_searches")
    page = models.CharField(max_length=100, help_text="Route name of the list page.")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["page", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="savedsearch_unique_name",
                                    violation_error_message="You already have a search with this name."),
        ]

    def __str__(self) -> str:
        return self.name
