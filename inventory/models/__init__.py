from .access import *  # noqa: F403
from .access import __all__ as _access
from .assets import *  # noqa: F403
from .assets import __all__ as _assets
from .audit import *  # noqa: F403
from .audit import __all__ as _audit
from .jobs import *  # noqa: F403
from .jobs import __all__ as _jobs
from .standards import *  # noqa: F403
from .standards import __all__ as _standards
from .versions import *  # noqa: F403
from .versions import __all__ as _versions

__all__ = [*_access, *_assets, *_audit, *_jobs, *_standards, *_versions]
