"""Lineage in the admin, one module per subdomain: findings and events are evidence
(read-only), residency rules are configuration kept by compliance officers, graph nodes
can be looked up. Importing the modules registers them."""

from lineage.admin.graph import LineageNodeAdmin
from lineage.admin.ingestion import LineageEventAdmin
from lineage.admin.integrity import IntegrityFindingAdmin
from lineage.admin.residency import ResidencyRuleAdmin

__all__ = ["IntegrityFindingAdmin", "LineageEventAdmin", "LineageNodeAdmin", "ResidencyRuleAdmin"]
