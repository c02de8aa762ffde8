"""Lineage in the admin: findings and events are evidence (read-only), residency rules
are configuration kept by compliance officers, graph nodes can be looked up."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import GovernedAdmin, ReadOnlyAdmin
from lineage.models import IntegrityFinding, LineageEvent, LineageNode, ResidencyRule


@admin.register(IntegrityFinding)
class IntegrityFindingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "created_at", "job_run"]
    list_filter = ["kind", "status"]
    list_select_related = ["dataset_version__dataset", "model_version__model", "job_run"]
    search_fields = ["detail", "expected_sha256", "observed_sha256"]


@admin.register(ResidencyRule)
class ResidencyRuleAdmin(GovernedAdmin):
    list_display = ["data_region", "allowed_regions", "description"]
    search_fields = ["data_region", "description"]


@admin.register(LineageEvent)
class LineageEventAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "event_type", "event_time", "producer", "received_at"]
    list_filter = ["event_type"]
    search_fields = ["job_namespace", "job_name", "run_id"]
    date_hierarchy = "event_time"


@admin.register(LineageNode)
class LineageNodeAdmin(ReadOnlyAdmin):
    """Nodes are written by ingestion and links only; sensitive locations are never on a
    node (registered records are named by id)."""

    list_display = ["node_type", "namespace", "name", "label", "state", "updated_at"]
    list_filter = ["node_type", "state"]
    search_fields = ["namespace", "name", "label"]
