"""Enumerations of the governance app (lower_snake values, plain-language labels)."""

from django.db import models


class RealitySourceKind(models.TextChoices):
    """What a listing of reality reports."""

    DEPLOYMENT_REPORT = "deployment_report", "Deployment report (what runs where)"
    SERVING_PLATFORM = "serving_platform", "Serving-platform listing (endpoints it serves)"
    ARTIFACT_STORE = "artifact_store", "Artifact-store listing (files kept in a bucket)"


class FindingKind(models.TextChoices):
    UNAUTHORISED = "unauthorised", "Unauthorised"
    ORPHANED = "orphaned", "Orphaned"
    STALE = "stale", "Review overdue"


class FindingStatus(models.TextChoices):
    """A finding is open until someone works on it; reconciliation closes it once reality
    no longer shows the problem, and reopens it when it comes back."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "Being fixed"
    RESOLVED = "resolved", "Marked fixed (awaiting the next check)"
    CLOSED = "closed", "Closed (no longer found)"


# Statuses in which reconciliation still expects the problem (closed is final until it
# reappears).
ACTIVE_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED)


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    HTML = "html", "Web page (HTML)"
    CSV = "csv", "Spreadsheet (CSV)"
class ApprovalStatus(models.TextChoices):
    """Where a promotion request stands. Only `pending` takes decisions; `approved` waits
    for the promotion (held by another gate), every other status is closed for good."""

    PENDING = "pending", "Waiting for approvals"
    APPROVED = "approved", "Approved, promotion held"
    PROMOTED = "promoted", "Approved and promoted"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    SUPERSEDED = "superseded", "Void: the version changed"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"


class MinimisationOutcome(models.TextChoices):
    """What a minimisation check says about one input feature of a version."""

    PROHIBITED = "prohibited", "Prohibited attribute"
    NEEDS_JUSTIFICATION = "needs_justification", "Needs a justification"
    NOT_ALLOWED = "not_allowed", "Not on the allowed list"
    JUSTIFIED = "justified", "Justified"
class ComplianceOutcome(models.TextChoices):
    """Where a model stands against a framework, or against one of its requirements."""

    MET = "met", "Met"
    GAP = "gap", "Gap"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
