"""Admin of deployment events: read-only evidence posted by platforms."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from monitoring.models import DeploymentEvent


@admin.register(DeploymentEvent)
class DeploymentEventAdmin(ReadOnlyAdmin):
    """Posted to `/api/v1/cicd/deployment-events/`; never edited."""

    list_display = ["received_at", "kind", "model_version", "environment", "region", "segment",
                    "outcome", "reported_by"]
    list_filter = ["kind", "outcome", "environment"]
    search_fields = ["model_version__model__name", "region", "segment", "reason"]
    list_select_related = ["model_version__model", "reported_by"]
