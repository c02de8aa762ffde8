"""Models of the governance app, one module per subdomain; each declares `__all__`."""

__all__: list[str] = []
