"""Models of the monitoring app, one module per subdomain; each declares `__all__`."""

from monitoring.models.alerts import *  # noqa: F403
from monitoring.models.alerts import __all__ as _alerts
from monitoring.models.costs import *  # noqa: F403
from monitoring.models.costs import __all__ as _costs
from monitoring.models.fleet import *  # noqa: F403
from monitoring.models.fleet import __all__ as _fleet
from monitoring.models.health import *  # noqa: F403
from monitoring.models.health import __all__ as _health
from monitoring.models.metrics import *  # noqa: F403
from monitoring.models.metrics import __all__ as _metrics
from monitoring.models.priority import *  # noqa: F403
from monitoring.models.priority import __all__ as _priority

__all__: list[str] = [*_fleet, *_health, *_costs, *_metrics, *_alerts, *_priority]
