"""Stored choice values of the inventory app (lower_snake values, plain-language labels)."""

from django.db import models


class AssetType(models.TextChoices):
    """Asset types that metadata standards, naming conventions and scopes apply to."""

    MODEL = "mlmodel", "Model"
    MODEL_VERSION = "modelversion", "Model version"
    DATASET = "dataset", "Dataset"
    FEATURE = "feature", "Feature"
    PIPELINE = "pipeline", "Pipeline"


class TrackedArtefact(models.TextChoices):
    MODEL = "model", "Model artefact"
    DATA = "data", "Data"
    FEATURES = "features", "Features"
    PIPELINE_CODE = "pipeline_code", "Pipeline code"


class ModelStage(models.TextChoices):
    DRAFT = "draft", "Draft"
    REGISTERED = "registered", "Registered"
    VALIDATED = "validated", "Validated"
    STAGING = "staging", "Staging"
    PRODUCTION = "production", "Production"
    DEPRECATED = "deprecated", "Deprecated"
    ARCHIVED = "archived", "Archived"
    RETIRED = "retired", "Retired"


class RiskTier(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class BusinessImpact(models.TextChoices):
    """What the business loses when the model degrades (declared by its owner)."""

    LOW = "low", "Low — an inconvenience"
    MEDIUM = "medium", "Medium — noticeable cost or service loss"
    HIGH = "high", "High — material revenue, customer or regulatory impact"
    CRITICAL = "critical", "Critical — core business decisions depend on it"


class AssetClassification(models.TextChoices):
    DIGITAL_INVENTORY = "digital_inventory", "Digital inventory"
    INTELLECTUAL_PROPERTY = "intellectual_property", "Intellectual property (intangible asset)"
    EXPENSED = "expensed", "Expensed"


class Origin(models.TextChoices):
    INTERNAL = "internal", "Built in-house"
    VENDOR = "vendor", "Third-party vendor"
    OPEN_WEIGHTS = "open_weights", "Open-weights model"


class PurposeCategory(models.TextChoices):
    RESEARCH = "research", "Research and experimentation"
    INTERNAL_OPERATIONS = "internal_operations", "Internal operations"
    CUSTOMER_FACING = "customer_facing", "Customer-facing product"
    REGULATORY = "regulatory", "Regulatory reporting"


class Redistribution(models.TextChoices):
    ALLOWED = "allowed", "May be redistributed"
    CONDITIONS = "conditions", "Redistribution with conditions"
    PROHIBITED = "prohibited", "May not be redistributed"
    NOT_APPLICABLE = "not_applicable", "Not applicable (internal)"


class Sensitivity(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    PII = "pii", "Personal data (PII)"
    PHI = "phi", "Health data (PHI)"
    FINANCIAL = "financial", "Financial"


# Classes whose location and datasheet only holders of `inventory.view_sensitive_dataset`
# (role-wide or granted on the dataset) may see (GDPR art. 9, HIPAA, GLBA).
SENSITIVE_CLASSES = frozenset({Sensitivity.PII, Sensitivity.PHI, Sensitivity.FINANCIAL})


class AccessFrequency(models.TextChoices):
    """How often the data is read; feeds the storage-mode recommendation."""

    RARE = "rare", "Rarely (audits, retraining once a year)"
    MONTHLY = "monthly", "Monthly"
    DAILY = "daily", "Daily"
    CONTINUOUS = "continuous", "Continuously (online features, streaming)"


class StorageMode(models.TextChoices):
    HELD = "held", "Held by Custodia (full copy)"
    REFERENCED = "referenced", "Referenced (external storage)"


# --------------------------------------------------------------------------------------
# Versions, branches and aliases
# --------------------------------------------------------------------------------------
class VersioningStrategy(models.TextChoices):
    """How a model's versions pin what they are made of (traceability vs storage)."""

    GRANULAR = "granular", "Granular — model, data, code and environment pinned separately"
    MONOLITHIC = "monolithic", "Monolithic — one bundle per version"


class DatasetRole(models.TextChoices):
    """What a model version used a dataset version for."""

    TRAIN = "train", "Training"
    VALIDATION = "validation", "Validation"
    TEST = "test", "Test"


class BranchKind(models.TextChoices):
    """Said by the branch name's prefix: `main`, `exp/...`, `drift-test/...`."""

    MAIN = "main", "Main line"
    EXPERIMENT = "experiment", "Experiment"
    DRIFT_TEST = "drift_test", "Drift test"


class RetainedAssetType(models.TextChoices):
    """Assets whose artifacts a retention policy governs."""

    MODEL_VERSION = "modelversion", "Model version artifacts"
    DATASET_VERSION = "datasetversion", "Dataset version files (held by Custodia)"


class RetentionStage(models.TextChoices):
    """Stages after which a model version's artifact may eventually be purged."""

    DEPRECATED = ModelStage.DEPRECATED.value, ModelStage.DEPRECATED.label
    ARCHIVED = ModelStage.ARCHIVED.value, ModelStage.ARCHIVED.label
    RETIRED = ModelStage.RETIRED.value, ModelStage.RETIRED.label


class TriggerKind(models.TextChoices):
    PERFORMANCE_DECAY = "performance_decay", "Performance decay"
    REGULATORY_EXPIRY = "regulatory_expiry", "Validation or approval expired"
    SCHEDULED = "scheduled", "Planned date reached"


class NoticeStatus(models.TextChoices):
    NOTIFIED = "notified", "Owners notified; change pending"
    APPLIED = "applied", "Change applied"
    CANCELLED = "cancelled", "Cancelled"
    REFUSED = "refused", "Change refused by the lifecycle rules"


class DecayDirection(models.TextChoices):
    BELOW = "below", "Below the threshold (higher is better, e.g. AUC)"
    ABOVE = "above", "Above the threshold (lower is better, e.g. drift, latency)"


class DeploymentEnvironment(models.TextChoices):
    DEVELOPMENT = "development", "Development"
    TEST = "test", "Test"
    STAGING = "staging", "Staging"
    PRODUCTION = "production", "Production"


class DeploymentStatus(models.TextChoices):
    PENDING = "pending", "Being deployed"
    ACTIVE = "active", "Running"
    FAILED = "failed", "Failed to deploy"
    STOPPED = "stopped", "Stopped"
    # Reported for a version whose stage may not run in that environment, kept as evidence
    # when CUSTODIA_UNDEPLOYABLE_DEPLOYMENTS is "record".
    UNAUTHORISED = "unauthorised", "Unauthorised (version not deployable there)"


class MetricKind(models.TextChoices):
    PERFORMANCE = "performance", "Performance (e.g. AUC, accuracy)"
    DRIFT = "drift", "Data or prediction drift"
    LATENCY = "latency", "Latency"
    RESOURCES = "resources", "Resource use"
    USAGE = "usage", "Usage (requests, decisions)"


class WebhookEvent(models.TextChoices):
    VERSION_REGISTERED = "model_version.registered", "A model version was registered"
    STAGE_CHANGED = "model_version.stage_changed", "A model version changed stage"
    ALIAS_MOVED = "alias.moved", "An alias moved to another version"
    DEPRECATED = "model_version.deprecated", "A model version was deprecated"
    DEPRECATION_NOTICE = ("model_version.deprecation_notice",
                          "Owners were notified of a coming deprecation or archival")
    DEPLOYMENT_REPORTED = "deployment.reported", "A deployment was reported"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed; will be retried"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up after the last attempt"


# The stages a deprecation notice or schedule may move a version to.
TARGET_STAGES = [(ModelStage.DEPRECATED.value, ModelStage.DEPRECATED.label),
                 (ModelStage.ARCHIVED.value, ModelStage.ARCHIVED.label)]
