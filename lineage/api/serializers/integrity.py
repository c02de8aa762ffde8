"""API shape of integrity findings (read-only: jobs and checks raise them)."""

from __future__ import annotations

from rest_framework import serializers

from lineage.models import IntegrityFinding

__all__ = ["IntegrityFindingSerializer"]


class IntegrityFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntegrityFinding
        fields = ["id", "kind", "status", "dataset_version", "model_version", "expected_sha256",
                  "observed_sha256", "detail", "job_run", "created_at", "updated_at"]
        read_only_fields = fields
