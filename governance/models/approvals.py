"""Approval workflows: the policy per risk tier and target stage, promotion requests and the
decisions taken on them.

A request copies the terms of the policy it was made under (how many approvals, from which
roles, whether a CAB member must approve, when it is overdue and when it expires), so it is
always judged, and later audited, against the terms it was made under, even after the
policy is edited.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from inventory.choices import ModelStage, RiskTier
from inventory.models import ModelVersion

__all__ = ["OPEN_STATUSES", "ApprovalDecision", "ApprovalPolicy", "ApprovalRequest",
           "GatedStage"]


class GatedStage(models.TextChoices):
    """The stages whose entry every promotion gate must agree to."""

    STAGING = ModelStage.STAGING.value, ModelStage.STAGING.label
    PRODUCTION = ModelStage.PRODUCTION.value, ModelStage.PRODUCTION.label


# Statuses in which a request still matters to the promotion gate.
OPEN_STATUSES = (ApprovalStatus.PENDING, ApprovalStatus.APPROVED)


def _roles_problem(roles) -> str | None:
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        return "A list of role names."
    unknown = [r for r in roles if r not in Role.ALL]
    if unknown:
        return f"Unknown role {', '.join(unknown)}; choose from: {', '.join(Role.ALL)}."
    return None


class ApprovalPolicy(GovernedModel):
    """Who must approve a promotion into `to_stage` of a model of `risk_tier`.

    Satisfied when `approvals_required` different people holding one of `approver_roles`
    approved and, if `cab_required`, one more person in the CAB member role (change
    advisory board) approved too; nobody counts twice. A policy needing no approval and no
    CAB lets promotions through without a request.
    """

    risk_tier = models.CharField(max_length=10, choices=RiskTier.choices, db_index=True)
    to_stage = models.CharField(max_length=20, choices=GatedStage.choices, db_index=True,
                                help_text="The stage a version is promoted into.")
    approvals_required = models.PositiveSmallIntegerField(
        default=1, help_text="How many different people of the approver roles must approve.")
    approver_roles = models.JSONField(
        default=list, blank=True,
        help_text='Roles whose approvals count, e.g. ["Validator", "Risk officer"].')
    cab_required = models.BooleanField(
        default=False, help_text="A member of the change advisory board (CAB member role) "
                                 "must approve as well, in addition to the approvals above.")
    review_within_hours = models.PositiveIntegerField(
        default=72, help_text="After this many hours a request still waiting is overdue.")
    expires_after_days = models.PositiveIntegerField(
        default=14, help_text="After this many days a request not yet approved expires and "
                              "cannot be revived: a new request is needed.")
    reapprove_on_change = models.BooleanField(
        default=True, help_text="When the version changes after the request (artefact, "
                                "schemas, code, data links), earlier approvals no longer count.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["risk_tier", "to_stage"]
        verbose_name_plural = "approval policies"
        constraints = [
            models.UniqueConstraint(fields=["risk_tier", "to_stage"],
                                    name="approvalpolicy_one_per_tier_and_stage",
                                    violation_error_message="This risk tier already has a "
                                                            "policy for this stage."),
            models.CheckConstraint(condition=Q(approvals_required__lte=10),
                                   name="approvalpolicy_at_most_ten_approvals",
                                   violation_error_message="At most 10 approvals."),
            models.CheckConstraint(condition=Q(expires_after_days__gte=1),
                                   name="approvalpolicy_expires_after_a_day_or_more",
                                   violation_error_message="A request lives at least one day."),
        ]

    def __str__(self) -> str:
        return f"{self.get_risk_tier_display()} risk → {self.get_to_stage_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:approvalpolicy_list") + f"#policy-{self.pk}"

    @property
    def needs_approval(self) -> bool:
        return self.approvals_required > 0 or self.cab_required

    def clean(self) -> None:
        super().clean()
        problem = _roles_problem(self.approver_roles)
        if problem:
            raise ValidationError({"approver_roles": problem})
        if self.approvals_required and not self.approver_roles:
            raise ValidationError({"approver_roles": "Name the roles whose approvals count."})
        self.approver_roles = list(dict.fromkeys(self.approver_roles))

    def terms(self) -> str:
        """The policy in plain words."""
        if not self.needs_approval:
            return "No approval needed"
        parts = []
        if self.approvals_required:
            word = "approval" if self.approvals_required == 1 else "approvals"
            parts.append(f"{self.approvals_required} {word} from "
                         f"{' or '.join(self.approver_roles)}")
        if self.cab_required:
            parts.append("a CAB member")
        return " plus ".join(parts) + "; nobody counts twice"


class ApprovalRequestQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("model_version__model", "requested_by").prefetch_related(
            "decisions__approver")


class ApprovalRequest(GovernedModel):
    """A request to promote one version into a gated stage, and where it stands.

    Written only by `governance.services.approvals`; decisions are `ApprovalDecision` rows.
    """

    objects = ApprovalRequestQuerySet.as_manager()

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT,
                                      related_name="approval_requests")
    from_stage = models.CharField(max_length=20, choices=ModelStage.choices)
    to_stage = models.CharField(max_length=20, choices=GatedStage.choices, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the version should be promoted.")
    status = models.CharField(max_length=20, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING, db_index=True)
    status_detail = models.TextField(
        blank=True, help_text="Why the request closed, or what holds the promotion.")
    # The policy's terms when the request was made (see the module docstring).
    policy = models.ForeignKey(ApprovalPolicy, null=True, on_delete=models.SET_NULL,
                               related_name="requests")
    approvals_required = models.PositiveSmallIntegerField()
    approver_roles = models.JSONField(default=list)
    cab_required = models.BooleanField()
    reapprove_on_change = models.BooleanField(default=True)
    due_at = models.DateTimeField(db_index=True, help_text="Overdue after this moment.")
    expires_at = models.DateTimeField(db_index=True)
    # What the version was when it was requested (artefact, schemas, code, data links).
    version_fingerprint = models.CharField(max_length=64)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("decide_approvalrequest",
                        "Can approve or reject promotion requests")]
        constraints = [
            # One open request per version and stage: approvals are not split across two.
            models.UniqueConstraint(fields=["model_version", "to_stage"],
                                    condition=Q(status__in=["pending", "approved"]),
                                    name="approvalrequest_one_open_per_version_and_stage",
                                    violation_error_message="This version already has an open "
                                                            "request for this stage."),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"Request #{self.pk}: {self.model_version} → {self.get_to_stage_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:approvalrequest_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def restrict_visibility(cls, queryset, user, action: str):
        """A request is as visible as the version it is about."""
        visible = ModelVersion.restrict_visibility(ModelVersion.objects.all(), user, action)
        return queryset.filter(model_version__in=visible.values("pk"))


class ApprovalDecision(GovernedModel):
    """One person's approval or rejection of a request, with their comment and the roles
    they held at that moment (what their approval counted for)."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT,
                                related_name="decisions")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField()
    roles = models.JSONField(default=list, help_text="The approver's roles when deciding.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "approver"],
                                    name="approvaldecision_one_per_person",
                                    violation_error_message="You already decided on this "
                                                            "request."),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.approver} on request #{self.request_id}"

    def get_absolute_url(self) -> str:
        return self.request.get_absolute_url()
