from .assets import *  # noqa: F403
from .assets import __all__ as _assets
from .deployments import *  # noqa: F403
from .deployments import __all__ as _deployments
from .integrations import *  # noqa: F403
from .integrations import __all__ as _integrations
from .lifecycle import *  # noqa: F403
from .lifecycle import __all__ as _lifecycle
from .registry import *  # noqa: F403
from .registry import __all__ as _registry
from .standards import *  # noqa: F403
from .standards import __all__ as _standards
from .versions import *  # noqa: F403
from .versions import __all__ as _versions

__all__ = [*_assets, *_deployments, *_integrations, *_lifecycle, *_registry, *_standards, *_versions]
