"""Reads of the lineage app that the dashboards and the API share, one module per
subdomain."""
