from .access import *  # noqa: F403
from .access import __all__ as _access
from .audit import *  # noqa: F403
from .audit import __all__ as _audit
from .audit_chain import *  # noqa: F403
from .audit_chain import __all__ as _audit_chain
from .governed import *  # noqa: F403
from .governed import __all__ as _governed
from .idempotency import *  # noqa: F403
from .idempotency import __all__ as _idempotency
from .jobs import *  # noqa: F403
from .jobs import __all__ as _jobs

__all__ = [*_access, *_audit, *_audit_chain, *_governed, *_idempotency, *_jobs]
