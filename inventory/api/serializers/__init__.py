"""Serializers of the inventory API, one module per subdomain."""
