"""Serializers of the inventory API."""

from rest_framework import serializers

from inventory.models import AccessEvent, JobRun


class JobRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobRun
        fields = ["id", "name", "task_id", "parameters", "actor", "status", "progress", "log",
                  "result", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class AccessEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", default=None, read_only=True)

    class Meta:
        model = AccessEvent
        fields = ["id", "occurred_at", "actor", "action", "object_type", "object_id",
                  "object_repr", "path", "query", "result_count", "client_address"]
        read_only_fields = fields
