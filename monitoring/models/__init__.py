"""Models of the monitoring app, one module per subdomain; each declares `__all__`."""

__all__: list[str] = []
