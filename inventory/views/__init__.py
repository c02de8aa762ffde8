"""Dashboards of the inventory app, one module per subdomain."""
