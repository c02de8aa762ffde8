"""API shapes of metric ingestion and roll-ups."""

from __future__ import annotations

from rest_framework import serializers

from monitoring.models import MetricBatch, MetricRollup

__all__ = ["MetricBatchRequestSerializer", "MetricBatchSerializer", "MetricRollupSerializer",
           "ObservationRowSerializer"]


class ObservationRowSerializer(serializers.Serializer):
    """One observation of a batch (documentation of the shape; the service checks rows)."""

    model_version = serializers.IntegerField(min_value=1)
    deployment = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    name = serializers.CharField(max_length=60, help_text="e.g. auc, psi, p99_ms, requests.")
    kind = serializers.CharField(required=False, help_text="performance, drift, latency, "
                                                          "resources or usage (default performance).")
    value = serializers.FloatField()
    observed_at = serializers.DateTimeField(help_text="ISO 8601; without an offset, UTC.")
    source = serializers.CharField(max_length=100, required=False)


class MetricBatchRequestSerializer(serializers.Serializer):
    """The documented shape of a batch (OpenAPI); rows are checked by the service."""

    source = serializers.CharField(max_length=100, required=False)
    observations = ObservationRowSerializer(many=True)


class MetricBatchSerializer(serializers.ModelSerializer):
    """A batch: `observations` in, the receipt out."""

    # No per-item child field: the ingestion service checks all rows in one pass (a DRF
    # field per row would cost more than storing them).
    observations = serializers.ListField(
        write_only=True, allow_empty=False,
        help_text="Up to 10,000 rows: {model_version, deployment?, name, kind?, value, "
                  "observed_at, source?}.")
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = MetricBatch
        fields = ["id", "observations", "source", "submitted_by", "row_count", "model_versions",
                  "first_observed_at", "last_observed_at", "created_at"]
        read_only_fields = ["submitted_by", "row_count", "model_versions", "first_observed_at",
                            "last_observed_at", "created_at"]


class MetricRollupSerializer(serializers.ModelSerializer):
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    version = serializers.IntegerField(source="model_version.version", read_only=True)
    region = serializers.CharField(source="deployment.region", read_only=True, default="")
    segment = serializers.CharField(source="deployment.segment", read_only=True, default="")
    mean = serializers.FloatField(read_only=True)

    class Meta:
        model = MetricRollup
        fields = ["id", "granularity", "bucket_start", "model_version", "model_name", "version",
                  "deployment", "region", "segment", "name", "kind", "count", "mean", "minimum",
                  "maximum", "total"]
        read_only_fields = fields
