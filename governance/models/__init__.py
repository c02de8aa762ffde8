"""Models of the governance app, one module per subdomain; each declares `__all__`."""

from .compliance import *  # noqa: F403
from .compliance import __all__ as _compliance
from .regulations import *  # noqa: F403
from .regulations import __all__ as _regulations

__all__: list[str] = [*_regulations, *_compliance]
