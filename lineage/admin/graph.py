"""Graph nodes in the admin: looked up, never edited."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from lineage.models import LineageNode

__all__ = ["LineageNodeAdmin"]


@admin.register(LineageNode)
class LineageNodeAdmin(ReadOnlyAdmin):
    """Nodes are written by ingestion and links only; sensitive locations are never on a
    node (registered records are named by id)."""

    list_display = ["node_type", "namespace", "name", "label", "state", "updated_at"]
    list_filter = ["node_type", "state"]
    search_fields = ["namespace", "name", "label"]
