from .audit import *  # noqa: F403
from .audit import __all__ as _audit
from .jobs import *  # noqa: F403
from .jobs import __all__ as _jobs

__all__ = [*_audit, *_jobs]
