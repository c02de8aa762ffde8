"""Integrity findings in the admin: evidence raised by jobs and checks, read-only."""

from __future__ import annotations

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin
from lineage.models import IntegrityFinding

__all__ = ["IntegrityFindingAdmin"]


@admin.register(IntegrityFinding)
class IntegrityFindingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "created_at", "job_run"]
    list_filter = ["kind", "status"]
    list_select_related = ["dataset_version__dataset", "model_version__model", "job_run"]
    search_fields = ["detail", "expected_sha256", "observed_sha256"]
