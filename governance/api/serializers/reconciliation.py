"""API shapes of reconciliation: findings, working on one, listings of reality."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from governance.choices import FindingStatus, RealitySourceKind
from governance.models import Finding, RealityListing

__all__ = ["FindingSerializer", "FindingWorkSerializer", "RealityListingSerializer"]


class FindingSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    age_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "key", "kind", "status", "subject", "detail", "source", "model",
                  "model_version", "owner", "remediation", "due_on", "overdue", "age_days",
                  "first_seen_at", "closed_at", "last_run", "created_at", "updated_at"]
        read_only_fields = fields


class FindingWorkSerializer(serializers.Serializer):
    """People move a finding to "being fixed" or "marked fixed", hand it over, move its
    due date; the reason is kept in its history."""

    status = serializers.ChoiceField(choices=[FindingStatus.OPEN, FindingStatus.IN_PROGRESS,
                                              FindingStatus.RESOLVED], required=False)
    owner = serializers.SlugRelatedField(slug_field="username", required=False,
                                         queryset=get_user_model().objects.filter(is_active=True))
    due_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=300)


class RealityItemInputSerializer(serializers.Serializer):
    model_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    environment = serializers.CharField(max_length=20, required=False, allow_blank=True)
    region = serializers.CharField(max_length=40, required=False, allow_blank=True)
    endpoint = serializers.CharField(max_length=500, required=False, allow_blank=True)
    artifact_uri = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RealityListingSerializer(serializers.ModelSerializer):
    """A listing: posted as JSON with its `items`, or uploaded as a CSV/JSON `file`."""

    kind = serializers.ChoiceField(choices=RealitySourceKind.choices)
    items = RealityItemInputSerializer(many=True, write_only=True, required=False)
    file = serializers.FileField(write_only=True, required=False)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RealityListing
        fields = ["id", "kind", "source", "received_at", "submitted_by", "file_name",
                  "item_count", "items", "file"]
        read_only_fields = ["id", "received_at", "submitted_by", "file_name", "item_count"]

    def validate(self, attrs: dict) -> dict:
        if "items" not in attrs and "file" not in attrs:
            raise serializers.ValidationError({"items": ["Send the listing's items, or upload "
                                                         "them as a CSV or JSON file."]})
        return attrs
