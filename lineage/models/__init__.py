"""Models of the lineage app, one module per subdomain; each declares `__all__`."""

from lineage.models.graph import *  # noqa: F403
from lineage.models.graph import __all__ as _graph
from lineage.models.ingestion import *  # noqa: F403
from lineage.models.ingestion import __all__ as _ingestion
from lineage.models.integrity import *  # noqa: F403
from lineage.models.integrity import __all__ as _integrity
from lineage.models.residency import *  # noqa: F403
from lineage.models.residency import __all__ as _residency

__all__ = [*_graph, *_ingestion, *_integrity, *_residency]
