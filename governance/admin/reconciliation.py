"""Reconciliation in the admin: findings and listings are evidence, read-only here
(people work on findings on the findings board, through the same service as the API)."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from governance.models import Finding, RealityListing

__all__ = ["FindingAdmin", "RealityListingAdmin"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["subject", "kind", "status", "owner", "due_on", "first_seen_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner", "model"]
    search_fields = ["subject", "detail", "key"]
    date_hierarchy = "first_seen_at"


@admin.register(RealityListing)
class RealityListingAdmin(ReadOnlyAdmin):
    list_display = ["source", "kind", "item_count", "received_at", "submitted_by"]
    list_filter = ["kind"]
    list_select_related = ["submitted_by"]
    search_fields = ["source", "file_name"]
