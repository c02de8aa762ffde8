"""API views of the lineage app, one module per subdomain."""
