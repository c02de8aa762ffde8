"""API views of the governance app, one module per subdomain."""
