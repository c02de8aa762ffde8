"""Models of the governance app, one module per subdomain; each declares `__all__`."""

from .reconciliation import *  # noqa: F403
from .reconciliation import __all__ as _reconciliation
from .reports import *  # noqa: F403
from .reports import __all__ as _reports

__all__: list[str] = [*_reconciliation, *_reports]
