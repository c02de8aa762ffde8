"""Stored choice values of the lineage app (lower_snake values, plain-language labels)."""

from django.db import models


class NodeType(models.TextChoices):
    """What a node of the provenance graph stands for (Marquez's node id prefix)."""

    DATASET = "dataset", "Dataset"
    JOB = "job", "Job"
    RUN = "run", "Run"
    MODEL_VERSION = "model", "Model version"
    EXTERNAL = "external", "External dependency"


class EdgeKind(models.TextChoices):
    """Edges always point the way data flows: source feeds target."""

    CONSUMED = "consumed", "Consumed by"  # dataset -> run
    PRODUCED = "produced", "Produced"  # run -> dataset / model version
    RAN = "ran", "Ran as"  # job -> run
    TRAINED_ON = "trained_on", "Trained a model on"  # dataset version -> model version
    CALLED_BY = "called_by", "Called by"  # external dependency -> model version


class RunState(models.TextChoices):
    """OpenLineage run states (eventType), in the order a run moves through them."""

    START = "START", "Started"
    RUNNING = "RUNNING", "Running"
    COMPLETE = "COMPLETE", "Completed"
    FAIL = "FAIL", "Failed"
    ABORT = "ABORT", "Aborted"
    OTHER = "OTHER", "Other"


class FindingKind(models.TextChoices):
    CHECKSUM_MISMATCH = "checksum_mismatch", "Checksum mismatch (data changed)"
    MISSING_FILE = "missing_file", "Held file missing"
    RESIDENCY_VIOLATION = "residency_violation", "Residency rule broken"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Direction(models.TextChoices):
    """Which way a graph walk follows the edges from its start."""

    UPSTREAM = "upstream", "Upstream (where it came from)"
    DOWNSTREAM = "downstream", "Downstream (what it feeds)"
    BOTH = "both", "Both ways"
