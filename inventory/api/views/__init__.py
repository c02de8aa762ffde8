"""Views of the inventory API, one module per subdomain."""
