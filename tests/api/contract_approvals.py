"""Contract entries of the approval workflow and data-minimisation resources (appended to
`RESOURCES` in contract.py).

Promotion requests are opened through the API and never changed or deleted (they are
evidence; decisions go through their `approve`/`reject` routes, tested in
tests/governance/test_approvals_api.py). Data-minimisation rules are kept by compliance
officers.
"""

from __future__ import annotations

import itertools

from core.roles import Role
from governance.models import ApprovalPolicy
from inventory.choices import ModelStage, RiskTier
from tests.api.contract import Resource
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory
from tests.factories.governance_approvals import ApprovalRequestFactory, MinimisationRuleFactory

__all__ = ["APPROVALS_RESOURCES"]

_numbers = itertools.count(1)


def _request_payload() -> dict:
    ApprovalPolicy.objects.get_or_create(
        risk_tier=RiskTier.HIGH, to_stage=ModelStage.STAGING,
        defaults={"approvals_required": 1, "approver_roles": [Role.VALIDATOR]})
    model = MLModelFactory(risk_tier=RiskTier.HIGH)
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.VALIDATED)
    return {"model_version": version.pk, "to_stage": "staging",
            "reason": "Validation passed; ready for the shadow run"}


APPROVALS_RESOURCES: list[Resource] = [
    Resource(
        name="approval-requests", route="governance-api:approvalrequest",
        factory=ApprovalRequestFactory, writer="model_owner", updatable=False,
        delete_status=405,
        valid_payload=lambda user: _request_payload(),
        update_payload=lambda obj, user: {"reason": "Changed"},
        invalid_payload=lambda user: {**_request_payload(), "to_stage": "retired"},
        invalid_field="to_stage", max_list_queries=10),
    Resource(
        name="minimisation-rules", route="governance-api:minimisationrule",
        factory=MinimisationRuleFactory, writer="compliance_officer",
        valid_payload=lambda user: {"name": f"Research: no religion {next(_numbers)}",
                                    "purpose_category": "research",
                                    "prohibited_attributes": ["religion"]},
        update_payload=lambda obj, user: {"description": "Art. 9 special categories"},
        invalid_payload=lambda user: {"name": f"Broken {next(_numbers)}",
                                      "prohibited_attributes": "religion"},
        invalid_field="prohibited_attributes", max_list_queries=8),
]
