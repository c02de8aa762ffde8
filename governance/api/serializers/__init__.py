"""API shapes of the governance app, one module per subdomain."""
