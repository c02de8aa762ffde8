"""The monitoring app in the admin, one module per subdomain. Importing the modules registers them."""

from monitoring.admin import costs, fleet, health  # noqa: F401
