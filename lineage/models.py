"""The provenance graph, the OpenLineage event log, integrity checks and residency rules.

Graph nodes and edges are written by machines at volume (every OpenLineage event of every
pipeline), so they are plain rows rather than governed records with history: the
`LineageEvent` log they are derived from is their audit trail. Findings and residency
rules are governance records and keep a full history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import JobRun
from core.models.governed import GovernedModel, GovernedQuerySet
from inventory.models import DatasetVersion, ModelVersion
from lineage.choices import EdgeKind, FindingKind, FindingStatus, NodeType, RunState

__all__ = [
    "ColumnLineage",
    "IntegrityCheck",
    "IntegrityFinding",
    "LineageEdge",
    "LineageEvent",
    "LineageNode",
    "ResidencyRule",
]

# Namespace of the nodes that stand for Custodia's own records.
CUSTODIA_NAMESPACE = "custodia"


# --------------------------------------------------------------------------------------
# Graph
# --------------------------------------------------------------------------------------
class LineageNode(models.Model):
    """A dataset (version), job, run, model version or external dependency in the graph.

    Identified like Marquez: `<type>:<namespace>:<name>`. Nodes for Custodia's own records
    use the `custodia` namespace and the record's id (`dataset-versions/12`), so a node id
    never reveals a name the reader may not see.
    """

    node_type = models.CharField(max_length=20, choices=NodeType.choices)
    namespace = models.CharField(max_length=300)
    name = models.CharField(max_length=500)
    label = models.CharField(max_length=300, blank=True, help_text="Display name.")
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="lineage_nodes")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="lineage_nodes")
    job = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="runs", help_text="For a run: its job.")
    vendor = models.CharField(max_length=120, blank=True,
                              help_text="For an external dependency: who provides it.")
    region = models.CharField(max_length=40, blank=True, db_index=True,
                              help_text="For a model version: where it is trained or runs "
                                        "(checked against residency rules).")
    state = models.CharField(max_length=10, choices=RunState.choices, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    facets = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node_type", "namespace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["node_type", "namespace", "name"],
                                    name="lineagenode_unique_id",
                                    violation_error_message="This node already exists."),
        ]
        indexes = [models.Index(fields=["node_type", "model_version"])]

    def __str__(self) -> str:
        return self.label or self.node_id

    @property
    def node_id(self) -> str:
        return f"{self.node_type}:{self.namespace}:{self.name}"


class LineageEdge(models.Model):
    """Data flows from `source` to `target` (consumed, produced, trained on...).

    The unique (source, target, kind) index serves downstream walks and the (target,
    source) index upstream walks, so each recursive step is an index lookup.
    """

    source = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="out_edges")
    target = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="in_edges")
    kind = models.CharField(max_length=20, choices=EdgeKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="lineageedge_unique",
                                    violation_error_message="This edge already exists."),
            models.CheckConstraint(condition=~Q(source=models.F("target")),
                                   name="lineageedge_no_self_loop",
                                   violation_error_message="A node cannot feed itself."),
        ]
        indexes = [models.Index(fields=["target", "source"], name="lineageedge_upstream")]

    def __str__(self) -> str:
        return f"{self.source_id} -{self.kind}-> {self.target_id}"


class ColumnLineage(models.Model):
    """Which input field an output field is derived from (OpenLineage columnLineage facet)."""

    output = models.ForeignKey(LineageNode, on_delete=models.CASCADE,
                               related_name="column_lineage")
    output_field = models.CharField(max_length=300)
    input = models.ForeignKey(LineageNode, on_delete=models.CASCADE, related_name="+")
    input_field = models.CharField(max_length=300)
    transformation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["output", "output_field", "input", "input_field"]
        constraints = [
            models.UniqueConstraint(fields=["output", "output_field", "input", "input_field"],
                                    name="columnlineage_unique",
                                    violation_error_message="This column link already exists."),
        ]

    def __str__(self) -> str:
        return f"{self.input_id}.{self.input_field} -> {self.output_id}.{self.output_field}"


class LineageEvent(models.Model):
    """One OpenLineage RunEvent as received; its hash makes ingestion idempotent."""

    event_hash = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=10, choices=RunState.choices)
    event_time = models.DateTimeField(db_index=True)
    run_id = models.CharField(max_length=64, db_index=True)
    job_namespace = models.CharField(max_length=300)
    job_name = models.CharField(max_length=500)
    producer = models.CharField(max_length=500, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-event_time", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.job_namespace}/{self.job_name} run {self.run_id}"


# --------------------------------------------------------------------------------------
# Integrity
# --------------------------------------------------------------------------------------
class IntegrityCheck(models.Model):
    """When a held dataset version or model artefact was last re-hashed, and the result.

    The scheduled job takes the oldest rows with `select_for_update(skip_locked=True)`, so
    two workers share the work without hashing the same file twice.
    """

    dataset_version = models.OneToOneField(DatasetVersion, null=True, blank=True,
                                           on_delete=models.CASCADE,
                                           related_name="integrity_check")
    model_version = models.OneToOneField(ModelVersion, null=True, blank=True,
                                         on_delete=models.CASCADE,
                                         related_name="integrity_check")
    last_checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_observed_sha256 = models.CharField(max_length=64, blank=True)
    last_ok = models.BooleanField(null=True)

    class Meta:
        ordering = ["last_checked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dataset_version__isnull=False, model_version__isnull=True)
                | Q(dataset_version__isnull=True, model_version__isnull=False),
                name="integritycheck_one_target",
                violation_error_message="A check is about a dataset version or a model version."),
        ]

    def __str__(self) -> str:
        return f"Integrity of {self.dataset_version or self.model_version}"


class IntegrityFindingQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("dataset_version__dataset", "model_version__model")


class IntegrityFinding(GovernedModel):
    """A discrepancy that needs a person: data changed, a held file is gone, a residency
    rule is broken. The stored checksum is never overwritten; resolving is a decision."""

    objects = IntegrityFindingQuerySet.as_manager()

    kind = models.CharField(max_length=30, choices=FindingKind.choices, db_index=True)
    status = models.CharField(max_length=10, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN, db_index=True)
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="findings")
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="findings")
    expected_sha256 = models.CharField(max_length=64, blank=True)
    observed_sha256 = models.CharField(max_length=64, blank=True)
    detail = models.TextField()
    job_run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The run that found it.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The job may meet the same mismatch every night: one open finding per problem.
            models.UniqueConstraint(fields=["kind", "dataset_version"],
                                    condition=Q(status="open", dataset_version__isnull=False),
                                    name="integrityfinding_one_open_per_dataset_version"),
            models.UniqueConstraint(fields=["kind", "model_version"],
                                    condition=Q(status="open", model_version__isnull=False),
                                    name="integrityfinding_one_open_per_model_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        return self.dataset_version or self.model_version

    def get_absolute_url(self) -> str:
        return self.subject.get_absolute_url() if self.subject else ""

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A finding is as visible as the record it is about."""
        visible_dv = DatasetVersion.restrict_visibility(DatasetVersion.objects.all(), user, action)
        visible_mv = ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action)
        return queryset.filter(Q(dataset_version__in=visible_dv.values("pk"))
                               | Q(model_version__in=visible_mv.values("pk")))


class ResidencyRule(GovernedModel):
    """Data of `data_region` may only feed model versions in `allowed_regions` (GDPR ch. V)."""

    data_region = models.CharField(max_length=40, unique=True,
                                   help_text="Residency region of the data, e.g. eu.")
    allowed_regions = models.JSONField(
        default=list, help_text='Regions a model using this data may be in, e.g. ["eu"].')
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["data_region"]

    def __str__(self) -> str:
        return f"{self.data_region} data → {', '.join(self.allowed_regions) or 'nowhere'}"
