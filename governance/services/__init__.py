"""Business rules and state transitions of the governance app, one module per subdomain."""
