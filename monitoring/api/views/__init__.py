"""API views of the monitoring app, one module per subdomain."""
