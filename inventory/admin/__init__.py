"""Admin of the inventory app, one module per subdomain; importing them registers the admins."""

from inventory.admin import (
    branches,
    catalogue,
    deployments,
    deprecation,
    integrations,
    retention,
    standards,
    versions,
)

__all__ = ["branches", "catalogue", "deployments", "deprecation", "integrations", "retention",
           "standards", "versions"]
