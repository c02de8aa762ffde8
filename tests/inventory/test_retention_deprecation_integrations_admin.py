"""Admin of retention, deprecation, deployment and webhook records: pages render, writes go
through services, the webhook delivery log shows every attempt, evidence is read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inventory.choices import ModelStage
from inventory.models import LegalHold, RetentionPolicy, WebhookAttempt
from tests.factories.catalogue import MLModelFactory
from tests.factories.lifecycle import (
    DeploymentFactory,
    DeprecationNoticeFactory,
    DeprecationRuleFactory,
    DeprecationScheduleFactory,
    LegalHoldFactory,
    MetricObservationFactory,
    PurgeRecordFactory,
    RetentionPolicyFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "retentionpolicy": RetentionPolicyFactory, "legalhold": LegalHoldFactory,
    "purgerecord": PurgeRecordFactory, "deprecationrule": DeprecationRuleFactory,
    "deprecationschedule": DeprecationScheduleFactory,
    "deprecationnotice": DeprecationNoticeFactory, "deployment": DeploymentFactory,
    "metricobservation": MetricObservationFactory, "webhook": WebhookFactory,
    "webhookdelivery": WebhookDeliveryFactory,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_changelist_and_change_page_render(name, client, platform_admin):
    obj = PAGES[name]()
    client.force_login(platform_admin)
    assert client.get(reverse(f"admin:inventory_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:inventory_{name}_change", args=[obj.pk])).status_code == 200


def test_delivery_log_shows_each_attempt(client, platform_admin):
    delivery = WebhookDeliveryFactory(attempts=2, status="succeeded")
    WebhookAttempt.objects.create(delivery=delivery, number=1, response_status=500,
                                  response_body="boom")
    WebhookAttempt.objects.create(delivery=delivery, number=2, response_status=200)
    client.force_login(platform_admin)
    page = client.get(reverse("admin:inventory_webhookdelivery_change", args=[delivery.pk]))
    text = page.content.decode()
    assert "boom" in text
    assert text.count('class="field-response_status"') == 2, "one row per attempt"


def test_policy_added_in_the_admin_has_history_with_reason(client, compliance_officer):
    compliance_officer.is_staff = True
    compliance_officer.save()
    client.force_login(compliance_officer)
    response = client.post(reverse("admin:inventory_retentionpolicy_add"), {
        "name": "SR 11-7 retired models", "asset_type": "modelversion",
        "stage": ModelStage.RETIRED, "retain_days": 2557, "description": "", "active": "on",
        "change_reason": "Model risk policy 2026"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = RetentionPolicy.objects.get().history.first()
    assert (row.history_user, row.history_change_reason) == (compliance_officer,
                                                            "Model risk policy 2026")


def test_hold_target_is_fixed_once_placed_and_evidence_is_read_only(client, platform_admin):
    hold = LegalHoldFactory()
    other = MLModelFactory()
    client.force_login(platform_admin)
    client.post(reverse("admin:inventory_legalhold_change", args=[hold.pk]), {
        "reference": hold.reference, "reason": "Updated reason", "model": other.pk,
        "change_reason": "typo"})
    hold = LegalHold.objects.get(pk=hold.pk)
    assert hold.model_id != other.pk and hold.reason == "Updated reason"
    record = PurgeRecordFactory()
    response = client.post(reverse("admin:inventory_purgerecord_delete", args=[record.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
