"""Enumerations of the governance app."""


from django.db import models


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
