"""Admin of deployments and metric observations: read-only evidence reported by pipelines."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from inventory.models import Deployment, MetricObservation


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    """Deployments are reported by pipelines (`/api/v1/cicd/deployments/`)."""

    list_display = ["model_version", "environment", "region", "segment", "status",
                    "endpoint", "deployed_at"]
    list_filter = ["environment", "status", "region"]
    search_fields = ["model_version__model__name", "endpoint", "region", "segment"]
    list_select_related = ["model_version__model"]


@admin.register(MetricObservation)
class MetricObservationAdmin(ReadOnlyAdmin):
    list_display = ["model_version", "name", "kind", "value", "observed_at", "source"]
    list_filter = ["kind", "name"]
    search_fields = ["model_version__model__name", "name", "source"]
    list_select_related = ["model_version__model"]
