"""Models of the monitoring app, one module per subdomain; each declares `__all__`."""

from .costs import *  # noqa: F403
from .costs import __all__ as _costs
from .fleet import *  # noqa: F403
from .fleet import __all__ as _fleet
from .health import *  # noqa: F403
from .health import __all__ as _health

__all__: list[str] = [*_fleet, *_health, *_costs]
