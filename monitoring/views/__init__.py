"""Dashboards of the monitoring app, one module per subdomain."""
