"""Dashboard pages of retention policies and legal holds: compliance officers add, edit,
release and delete through `inventory.services.retention`; everyone else is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import LegalHold, RetentionPolicy
from tests.factories.catalogue import DatasetFactory, MLModelFactory
from tests.factories.lifecycle import LegalHoldFactory, PurgeRecordFactory, RetentionPolicyFactory

pytestmark = pytest.mark.django_db

POLICY = {"name": "Keep retired credit models", "asset_type": "modelversion",
          "stage": "retired", "retain_days": "2557", "description": "", "active": "on",
          "change_reason": "SR 11-7 record keeping"}


def _login(client, user):
    client.force_login(user)
    return client


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --------------------------------------------------------------------------------------
# Retention policies
# --------------------------------------------------------------------------------------
def test_policy_pages_render_for_a_compliance_officer_and_refuse_others(
        client, compliance_officer, auditor, model_owner):
    policy = RetentionPolicyFactory()
    urls = [reverse("inventory:retentionpolicy_add"),
            reverse("inventory:retentionpolicy_edit", args=[policy.pk]),
            reverse("inventory:retentionpolicy_delete", args=[policy.pk])]
    _login(client, compliance_officer)
    listing = client.get(reverse("inventory:retentionpolicy_list")).content.decode()
    assert urls[0] in listing and urls[1] in listing
    for url in urls:
        assert client.get(url).status_code == 200, url
    auditor_list = _login(client, auditor).get(reverse("inventory:retentionpolicy_list"))
    assert urls[1] not in auditor_list.content.decode()
    for user in (auditor, model_owner):
        _login(client, user)
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(urls[0], POLICY).status_code == 403
    assert RetentionPolicy.objects.count() == 1


def test_policy_is_added_and_changed_through_the_service_with_history(client, compliance_officer):
    _login(client, compliance_officer)

    response = client.post(reverse("inventory:retentionpolicy_add"), POLICY)

    policy = RetentionPolicy.objects.get(name=POLICY["name"])
    assert response.status_code == 302 and policy.retain_days == 2557
    assert policy.history.get().history_change_reason == "SR 11-7 record keeping"
    assert policy.history.get().history_user == compliance_officer
    edit = client.post(reverse("inventory:retentionpolicy_edit", args=[policy.pk]),
                       {**POLICY, "retain_days": "3650", "change_reason": "Ten years now"})
    assert edit.status_code == 302
    policy.refresh_from_db()
    assert policy.retain_days == 3650
    assert policy.history.first().history_change_reason == "Ten years now"


def test_bad_policy_shows_the_field_errors_and_writes_nothing(client, compliance_officer):
    RetentionPolicyFactory(name="Taken")
    _login(client, compliance_officer)

    response = client.post(reverse("inventory:retentionpolicy_add"),
                           {**POLICY, "name": "Taken", "retain_days": "-3"})

    assert response.status_code == 200
    assert response.context["form"].errors["retain_days"]
    assert 'data-field-error="retain_days"' in response.content.decode()
    assert RetentionPolicy.objects.count() == 1
    duplicate = client.post(reverse("inventory:retentionpolicy_add"), {**POLICY, "name": "Taken"})
    assert duplicate.context["form"].errors["name"]
    assert RetentionPolicy.objects.count() == 1


def test_a_policy_that_purged_is_not_deleted_one_that_did_not_is(client, compliance_officer):
    used = PurgeRecordFactory().policy
    unused = RetentionPolicyFactory()
    _login(client, compliance_officer)

    refused = client.post(reverse("inventory:retentionpolicy_delete", args=[used.pk]),
                          {"reason": "Tidy"})
    done = client.post(reverse("inventory:retentionpolicy_delete", args=[unused.pk]),
                       {"reason": "Entered by mistake"})

    assert refused.status_code == 200 and "deactivate it instead" in refused.content.decode()
    assert RetentionPolicy.objects.filter(pk=used.pk).exists()
    assert done.status_code == 302 and not RetentionPolicy.objects.filter(pk=unused.pk).exists()


# --------------------------------------------------------------------------------------
# Legal holds
# --------------------------------------------------------------------------------------
def test_hold_pages_render_for_a_compliance_officer_and_refuse_others(
        client, compliance_officer, auditor, data_scientist):
    hold = LegalHoldFactory()
    urls = [reverse("inventory:legalhold_add"),
            reverse("inventory:legalhold_edit", args=[hold.pk]),
            reverse("inventory:legalhold_release", args=[hold.pk])]
    _login(client, compliance_officer)
    listing = client.get(reverse("inventory:legalhold_list")).content.decode()
    assert all(url in listing for url in urls)
    for url in urls:
        assert client.get(url).status_code == 200, url
    for user in (auditor, data_scientist):
        _login(client, user)
        for url in urls:
            assert client.get(url).status_code == 403, url
    assert _login(client, auditor).post(urls[2], {"release_reason": "x"}).status_code == 403
    hold.refresh_from_db()
    assert hold.is_active


def test_hold_is_placed_edited_and_released_through_the_service(client, compliance_officer):
    dataset = DatasetFactory()
    _login(client, compliance_officer)

    placed = client.post(reverse("inventory:legalhold_add"), {
        "reference": "CASE-0042", "reason": "Customer complaint about a refusal.",
        "dataset": dataset.pk, "change_reason": "Counsel asked"})

    hold = LegalHold.objects.get(reference="CASE-0042")
    assert placed.status_code == 302 and hold.dataset == dataset
    assert hold.placed_by == compliance_officer
    assert hold.history.get().history_change_reason == "Counsel asked"
    client.post(reverse("inventory:legalhold_edit", args=[hold.pk]), {
        "reference": "CASE-0042-A", "reason": hold.reason, "change_reason": "Renumbered"})
    released = client.post(reverse("inventory:legalhold_release", args=[hold.pk]),
                           {"release_reason": "Case settled"})
    hold.refresh_from_db()
    assert hold.reference == "CASE-0042-A" and hold.dataset == dataset
    assert released.status_code == 302 and not hold.is_active
    assert hold.release_reason == "Case settled"
    assert hold.history.first().history_change_reason == "Case settled"
    again = client.post(reverse("inventory:legalhold_release", args=[hold.pk]),
                        {"release_reason": "Twice"})
    assert again.status_code == 200 and "already released" in again.content.decode()


def test_a_hold_needs_exactly_one_target_and_nothing_is_written(client, compliance_officer):
    _login(client, compliance_officer)

    none = client.post(reverse("inventory:legalhold_add"),
                       {"reference": "CASE-1", "reason": "Litigation"})
    two = client.post(reverse("inventory:legalhold_add"), {
        "reference": "CASE-2", "reason": "Litigation", "model": MLModelFactory().pk,
        "dataset": DatasetFactory().pk})
    blank = client.post(reverse("inventory:legalhold_release",
                                args=[LegalHoldFactory().pk]), {"release_reason": ""})

    for response in (none, two):
        assert response.status_code == 200
        assert "exactly one" in response.content.decode()
    assert blank.context["form"].errors["release_reason"]
    assert LegalHold.objects.count() == 1 and LegalHold.objects.get().is_active


def test_a_hold_on_another_teams_confidential_model_is_not_found(client, compliance_officer):
    from tests.factories.catalogue import TeamFactory

    hold = LegalHoldFactory(model=MLModelFactory(confidential=True, team=TeamFactory()))
    _login(client, compliance_officer)

    assert client.get(reverse("inventory:legalhold_edit", args=[hold.pk])).status_code == 404
    assert client.post(reverse("inventory:legalhold_release", args=[hold.pk]),
                       {"release_reason": "x"}).status_code == 404


@pytest.mark.parametrize(("route", "make"), [
    ("inventory:legalhold_list", lambda: LegalHoldFactory()),
    ("inventory:retentionpolicy_list", lambda: RetentionPolicyFactory()),
])
def test_retention_lists_run_a_constant_number_of_queries(client, compliance_officer, route,
                                                          make):
    _login(client, compliance_officer)
    url = reverse(route) + "?per_page=50"
    for _ in range(3):
        make()
    client.get(url)  # warm per-process caches (content types) before counting
    few = _count(client, url)
    for _ in range(9):
        make()
    assert _count(client, url) == few
