"""The inventory models, one module per subdomain; everything is re-exported here."""

from .branches import *  # noqa: F403
from .branches import __all__ as _branches
from .catalogue import *  # noqa: F403
from .catalogue import __all__ as _catalogue
from .deployments import *  # noqa: F403
from .deployments import __all__ as _deployments
from .deprecation import *  # noqa: F403
from .deprecation import __all__ as _deprecation
from .integrations import *  # noqa: F403
from .integrations import __all__ as _integrations
from .retention import *  # noqa: F403
from .retention import __all__ as _retention
from .standards import *  # noqa: F403
from .standards import __all__ as _standards
from .versions import *  # noqa: F403
from .versions import __all__ as _versions

__all__ = [*_catalogue, *_versions, *_branches, *_retention, *_deprecation, *_deployments,
           *_standards, *_integrations]
