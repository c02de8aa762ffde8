"""The audit trail as an auditor sees it: field-level changes, the chain's state, filters,
and the home dashboard's alert once a verification finds the chain broken."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.roles import Role
from core.services.audit_chain import audit_chain_verify, audit_verification_record
from core.services.records import record_create, record_update
from inventory.models import Team
from tests.browser.conftest import format_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _verify() -> None:
    audit_verification_record(report=audit_chain_verify(), started_at=timezone.now())


def test_an_auditor_reads_changes_field_by_field_and_sees_a_broken_chain(browser):
    owner = UserFactory(username="olga")
    for slug, unit in (("fraud-ops", "Cards"), ("churn-team", "Retail")):
        team = record_create(model_class=Team, actor=owner, reason="New team for the model",
                             data={"name": slug.replace("-", " ").title(), "slug": slug,
                                   "business_unit": "Payments"})
        record_update(instance=team, actor=owner, reason="Reorganisation of business units",
                      data={"business_unit": unit})
    _verify()
    UserFactory(username="quinn", roles=[Role.AUDITOR])
    browser.login("quinn")

    browser.open(reverse("governance:auditevent_list"), "audit-trail")
    assert "Intact." in browser.text("[data-testid=chain-status]")
    entries = browser.driver.find_elements("css selector", "[data-testid=audit-entry]")
    assert len(entries) == 4
    assert "Business unit Payments → Retail" in " ".join(entries[0].text.split())
    violations = browser.axe_violations()
    assert violations == [], format_violations(violations)

    browser.open(reverse("governance:auditevent_list") + "?record=fraud&action=changed",
                 "audit-trail-filtered")
    assert browser.text("[data-testid=result-count]").startswith("1 result")
    assert "Cards" in browser.text("[data-testid=object-table]")

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = 'Approved' WHERE seq = 2")
    _verify()
    browser.open(reverse("home"), "home-chain-broken")
    assert "broken at entry #2" in browser.text("[data-testid=alert-audit-chain-broken]")
    browser.click("[data-testid=alert-audit-chain-broken] a", "audit-trail-broken")
    assert "Broken at entry #2" in browser.text("[data-testid=chain-status]")
    assert browser.console_errors() == []
