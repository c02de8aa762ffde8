"""Lineage in the admin: evidence is read-only, residency rules are kept there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lineage.models import LineageEvent, ResidencyRule
from tests.factories.lineage import IntegrityFindingFactory
from tests.lineage.conftest import run_event

pytestmark = pytest.mark.django_db


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_lineage_admin_page_renders(platform_admin, ingest):
    ingest(run_event("t", [("ns", "in")], [("ns", "out")]))
    finding = IntegrityFindingFactory()
    client = _admin(platform_admin)
    for name in ("integrityfinding", "residencyrule", "lineageevent", "lineagenode"):
        assert client.get(reverse(f"admin:lineage_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:lineage_integrityfinding_change",
                              args=[finding.pk])).status_code == 200
    event = LineageEvent.objects.get()
    assert client.get(reverse("admin:lineage_lineageevent_change",
                              args=[event.pk])).status_code == 200


def test_findings_are_never_changed_in_the_admin(platform_admin):
    finding = IntegrityFindingFactory()
    client = _admin(platform_admin)
    answer = client.post(reverse("admin:lineage_integrityfinding_change", args=[finding.pk]),
                         {"status": "resolved"})
    assert answer.status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


def test_residency_rule_added_in_the_admin_with_history(platform_admin):
    answer = _admin(platform_admin).post(reverse("admin:lineage_residencyrule_add"), {
        "data_region": "eu", "allowed_regions": '["eu-west-1"]', "description": "GDPR ch. V"})
    assert answer.status_code == 302
    rule = ResidencyRule.objects.get()
    assert rule.allowed_regions == ["eu-west-1"]
    assert rule.history.get().history_user == platform_admin
