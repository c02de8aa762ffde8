"""A high-risk model's version waiting to go into production, and the people around it.

Policies are created here rather than read from the shipped defaults: transactional tests
flush the database, and the tests say exactly which terms they rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.roles import Role
from governance.models import ApprovalPolicy
from inventory.choices import ModelStage, RiskTier
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory
from tests.factories.users import UserFactory


def high_risk_policy() -> ApprovalPolicy:
    policy, _ = ApprovalPolicy.objects.update_or_create(
        risk_tier=RiskTier.HIGH, to_stage=ModelStage.PRODUCTION,
        defaults={"approvals_required": 2, "approver_roles": [Role.VALIDATOR, Role.RISK_OFFICER],
                  "cab_required": True, "review_within_hours": 72, "expires_after_days": 14,
                  "reapprove_on_change": True})
    return policy


@dataclass
class Scene:
    """The version, its requester, author and owner, and three approvers."""

    version: object
    requester: object
    author: object
    owner: object
    validator: object
    risk_officer: object
    cab: object


def make_scene(prefix: str = "") -> Scene:
    high_risk_policy()
    # The author and the owner also hold approver roles: only segregation of duties
    # keeps them from approving.
    owner = UserFactory(username=f"{prefix}owner", roles=[Role.MODEL_OWNER, Role.VALIDATOR])
    author = UserFactory(username=f"{prefix}author", roles=[Role.DATA_SCIENTIST, Role.VALIDATOR])
    requester = UserFactory(username=f"{prefix}requester",
                            roles=[Role.MODEL_OWNER, Role.VALIDATOR, Role.CAB_MEMBER])
    model = MLModelFactory(risk_tier=RiskTier.HIGH, owner=owner, domain="marketing",
                           purpose_category="internal_operations")
    version = PinnedModelVersionFactory(model=model, stage=ModelStage.STAGING, created_by=author)
    return Scene(
        version=version, requester=requester, author=author, owner=owner,
        validator=UserFactory(username=f"{prefix}validator", roles=[Role.VALIDATOR]),
        risk_officer=UserFactory(username=f"{prefix}risk", roles=[Role.RISK_OFFICER]),
        cab=UserFactory(username=f"{prefix}cab", roles=[Role.CAB_MEMBER]))


@pytest.fixture
def scene(db) -> Scene:
    return make_scene()
