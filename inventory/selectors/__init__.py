"""Reads across models that the dashboards and the API share, one module per subdomain."""
