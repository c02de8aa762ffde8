"""Business rules and state transitions of the monitoring app, one module per subdomain."""
