"""API shapes of promotion requests and their decisions (the services do the checking)."""

from __future__ import annotations

from rest_framework import serializers

from governance.models import ApprovalDecision, ApprovalPolicy, ApprovalRequest, GatedStage
from inventory.models import ModelVersion

__all__ = ["ApprovalDecisionSerializer", "ApprovalPolicySerializer",
           "ApprovalRequestCreateSerializer", "ApprovalRequestSerializer", "DecisionSerializer"]


class ApprovalDecisionSerializer(serializers.ModelSerializer):
    approver = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApprovalDecision
        fields = ["id", "approver", "decision", "comment", "roles", "created_at"]
        read_only_fields = fields


class ApprovalPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovalPolicy
        fields = ["id", "risk_tier", "to_stage", "approvals_required", "approver_roles",
                  "cab_required", "review_within_hours", "expires_after_days",
                  "reapprove_on_change", "description"]
        read_only_fields = fields


class ApprovalRequestSerializer(serializers.ModelSerializer):
    """A request, its decisions and what it still needs (read shape)."""

    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decisions = ApprovalDecisionSerializer(many=True, read_only=True)
    still_needed = serializers.SerializerMethodField(
        help_text="What the request still needs, in plain words (empty once approved).")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalRequest
        fields = ["id", "model_version", "model_name", "version", "from_stage", "to_stage",
                  "requested_by", "reason", "status", "status_detail", "approvals_required",
                  "approver_roles", "cab_required", "reapprove_on_change", "due_at",
                  "expires_at", "overdue", "still_needed", "decisions", "created_at",
                  "closed_at"]
        read_only_fields = fields

    def get_still_needed(self, obj: ApprovalRequest) -> str:
        from governance.services.approvals import approval_tally

        if obj.status != "pending":
            return ""
        return approval_tally(obj, list(obj.decisions.all())).missing

    def get_overdue(self, obj: ApprovalRequest) -> bool:
        from governance.selectors.approvals import is_overdue

        return is_overdue(obj)


class ApprovalRequestCreateSerializer(serializers.Serializer):
    """Ask for approval of a promotion: which version, into which stage, why."""

    model_version = serializers.PrimaryKeyRelatedField(queryset=ModelVersion.objects.all())
    to_stage = serializers.ChoiceField(choices=GatedStage.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=False,
                                   help_text="Why the version should be promoted.")
    change_reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                          write_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # only versions the caller may see can be named
            self.fields["model_version"].queryset = ModelVersion.objects.restrict(
                request.user, "view").select_related("model")


class DecisionSerializer(serializers.Serializer):
    """An approval or a rejection: the comment is mandatory."""

    comment = serializers.CharField(max_length=2000, allow_blank=False,
                                    help_text="Why; kept with the decision.")
