"""Models of the monitoring app, one module per subdomain; each declares `__all__`."""

from .alerts import *  # noqa: F403
from .alerts import __all__ as _alerts
from .metrics import *  # noqa: F403
from .metrics import __all__ as _metrics
from .priority import *  # noqa: F403
from .priority import __all__ as _priority

__all__: list[str] = [*_metrics, *_alerts, *_priority]
