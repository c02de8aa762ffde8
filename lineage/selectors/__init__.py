"""Reads of the lineage app that dashboards, reports and the API share, one module per
subdomain."""
