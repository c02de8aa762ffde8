"""Read-side queries of the governance app, one module per subdomain."""
