"""Contract entries of the audit log (see tests/api/contract.py for the format)."""

from tests.api.contract import Resource
from tests.factories.audit import AuditEventFactory

AUDIT_RESOURCES: list[Resource] = [
    # Appended by the chain service in the transaction of each change, never through the API.
    Resource(name="audit-events", route="governance-api:auditevent", factory=AuditEventFactory,
             read_only=True, max_list_queries=8),
]
