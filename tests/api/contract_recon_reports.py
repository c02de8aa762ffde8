"""Contract entries of reconciliation and reports (appended to `RESOURCES` in contract.py).

Findings are raised by reconciliation and worked on through `POST findings/<id>/work`
(tested in tests/governance), never created or edited through the resource; listings of
reality and reports are created (a listing received, a report generated) but never changed
or deleted: they are evidence.
"""

from __future__ import annotations

import itertools

from tests.api.contract import Resource
from tests.factories.reconciliation import FindingFactory, RealityListingFactory
from tests.factories.reports import ReportFactory

__all__ = ["RECON_REPORTS_RESOURCES"]

_numbers = itertools.count(1)


def _listing() -> dict:
    return {"kind": "serving_platform", "source": f"sagemaker-eu-{next(_numbers)}",
            "items": [{"model_name": "credit-default-xgb", "version": 3,
                       "environment": "production", "region": "eu-west-1",
                       "endpoint": "https://scoring.internal/v1"}]}


RECON_REPORTS_RESOURCES: list[Resource] = [
    Resource(name="findings", route="governance-api:finding", factory=FindingFactory,
             read_only=True, max_list_queries=8),
    Resource(name="reality-listings", route="governance-api:realitylisting",
             factory=RealityListingFactory, writer="compliance_officer", updatable=False,
             delete_status=405,
             valid_payload=lambda user: _listing(),
             update_payload=lambda obj, user: {"source": "renamed"},
             invalid_payload=lambda user: {**_listing(), "kind": "rumour"},
             invalid_field="kind", max_list_queries=8),
    Resource(name="reports", route="governance-api:report", factory=ReportFactory,
             writer="compliance_officer", updatable=False, delete_status=405,
             valid_payload=lambda user: {"template": "inventory-register", "format": "csv"},
             update_payload=lambda obj, user: {"title": "Changed"},
             invalid_payload=lambda user: {"template": "horoscope", "format": "csv"},
             invalid_field="template", max_list_queries=8),
]
