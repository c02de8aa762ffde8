"""Read-side queries of the monitoring app, one module per subdomain."""
