"""Approval policies are edited in the admin (with history; a bad role is a form error);
requests are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.schedules import SCHEDULES
from governance.tasks import EXPIRE_JOB
from tests.governance.conftest import high_risk_policy

pytestmark = pytest.mark.django_db


def _form(policy, **overrides) -> dict:
    data = {"risk_tier": policy.risk_tier, "to_stage": policy.to_stage,
            "approvals_required": "3", "approver_roles": '["Validator", "Risk officer"]',
            "cab_required": "on", "review_within_hours": "48", "expires_after_days": "7",
            "reapprove_on_change": "on", "description": "", "change_reason": "SR 26-2 review"}
    return {**data, **overrides}


def test_a_policy_change_is_kept_in_history(client, platform_admin):
    policy = high_risk_policy()
    client.force_login(platform_admin)
    url = reverse("admin:governance_approvalpolicy_change", args=[policy.pk])
    response = client.post(url, _form(policy))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.approvals_required == 3
    row = policy.history.latest("history_date")
    assert (row.history_user, row.history_change_reason) == (platform_admin, "SR 26-2 review")


def test_an_unknown_role_is_a_form_error_and_changes_nothing(client, platform_admin):
    policy = high_risk_policy()
    client.force_login(platform_admin)
    url = reverse("admin:governance_approvalpolicy_change", args=[policy.pk])
    response = client.post(url, _form(policy, approver_roles='["Chief wizard"]'))
    assert response.status_code == 200
    assert "approver_roles" in response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.approvals_required == 2


def test_requests_are_read_only_in_the_admin(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(reverse("admin:governance_approvalrequest_add")).status_code == 403


def test_expiry_job_is_scheduled():
    assert any(task == EXPIRE_JOB for task, _, _ in SCHEDULES.values())
