"""API shapes of the lineage app, one module per subdomain."""
