"""Models of the governance app, one module per subdomain; each declares `__all__`."""

from governance.models.approvals import *  # noqa: F403
from governance.models.approvals import __all__ as _approvals
from governance.models.compliance import *  # noqa: F403
from governance.models.compliance import __all__ as _compliance
from governance.models.minimisation import *  # noqa: F403
from governance.models.minimisation import __all__ as _minimisation
from governance.models.reconciliation import *  # noqa: F403
from governance.models.reconciliation import __all__ as _reconciliation
from governance.models.regulations import *  # noqa: F403
from governance.models.regulations import __all__ as _regulations
from governance.models.reports import *  # noqa: F403
from governance.models.reports import __all__ as _reports

__all__: list[str] = [*_approvals, *_compliance, *_minimisation, *_reconciliation,
                      *_regulations, *_reports]
