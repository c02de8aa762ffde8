"""Reads across models that dashboards, reports and the API share, one module per subdomain."""
