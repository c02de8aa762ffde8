"""Two approvers post the deciding approval at the same moment: the version is promoted
exactly once (PostgreSQL row locks; real threads, each with its own connection, released
together by a barrier)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.exceptions import ConflictError
from core.roles import Role
from governance.choices import ApprovalStatus, Decision
from governance.models import ApprovalRequest
from governance.services.approvals import approval_request_create, approval_request_decide
from inventory.choices import ModelStage
from inventory.models import ModelVersion
from tests.factories.users import UserFactory
from tests.governance.conftest import make_scene
from tests.services import has_postgresql, require


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_deciding_approvals_at_once_promote_exactly_once():
    require("postgresql", has_postgresql())
    scene = make_scene("race-")
    request = approval_request_create(version=scene.version, to_stage=ModelStage.PRODUCTION,
                                      actor=scene.requester, reason="Shadow run passed")
    approval_request_decide(request=request, actor=scene.validator, decision=Decision.APPROVE,
                            comment="Validation report VR-7 reviewed")
    approval_request_decide(request=request, actor=scene.risk_officer,
                            decision=Decision.APPROVE, comment="Within risk appetite")
    # Two CAB members: either one's approval completes the policy.
    deciders = [scene.cab, UserFactory(username="race-cab-2", roles=[Role.CAB_MEMBER])]
    barrier = threading.Barrier(len(deciders), timeout=30)

    def decide(user) -> str:
        try:
            barrier.wait()
            approval_request_decide(request=ApprovalRequest.objects.get(pk=request.pk),
                                    actor=user, decision=Decision.APPROVE,
                                    comment="CAB agreed")
            return "approved"
        except ConflictError as refused:
            return f"refused: {refused.message}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(deciders)) as pool:
        outcomes = list(pool.map(decide, deciders))

    assert sorted(o.split(":")[0] for o in outcomes) == ["approved", "refused"], outcomes
    assert any("closed to decisions" in o for o in outcomes)
    version = ModelVersion.objects.get(pk=scene.version.pk)
    assert version.stage == ModelStage.PRODUCTION
    assert version.history.filter(stage=ModelStage.PRODUCTION).count() == 1
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PROMOTED
    assert request.decisions.count() == 3
    assert request.history.filter(status=ApprovalStatus.PROMOTED).count() == 1
    assert connection.vendor == "postgresql"
