"""Reconciliation at the service: each planted problem becomes one finding with an owner,
a remediation and a due date; re-runs never duplicate; fixed problems close; problems that
come back reopen; healthy records raise nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.roles import Role
from governance.choices import FindingKind, FindingStatus
from governance.models import Finding, RealityListing
from governance.services.reconciliation import (
    finding_update,
    reality_listing_create,
    reconciliation_run,
)
from inventory.choices import RiskTier
from inventory.services.catalogue import mlmodel_review_record
from tests.factories.users import UserFactory
from tests.governance.reality import expected_keys, plant, stores_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def reality(stores, compliance_officer):
    held, folder = stores
    return plant(held_root=held, folder=folder, reporter=compliance_officer)


def _by_key() -> dict[str, Finding]:
    return {f.key: f for f in Finding.objects.all()}


def test_each_planted_problem_is_found_once_and_nothing_else(reality) -> None:
    summary = reconciliation_run()

    found = _by_key()
    expected = expected_keys(reality)
    assert set(found) == set(expected.values())
    assert summary["opened"] == len(expected) and summary["closed"] == 0
    assert summary["seen"] == {"unauthorised": 6, "orphaned": 1, "stale": 1}
    assert not Finding.objects.filter(model=reality.healthy).exists()
    kinds = {name: found[key].kind for name, key in expected.items()}
    assert kinds["orphaned"] == FindingKind.ORPHANED and kinds["stale"] == FindingKind.STALE
    assert {kinds[n] for n in kinds if n not in ("orphaned", "stale")} == {
        FindingKind.UNAUTHORISED}
    today = timezone.localdate()
    for finding in found.values():
        assert finding.status == FindingStatus.OPEN
        assert finding.remediation and finding.detail
        assert finding.due_on > today
        assert finding.history.get().history_type == "+"  # created with history


def test_owner_is_the_models_active_owner_or_steward(reality) -> None:
    reconciliation_run()
    found = _by_key()
    keys = expected_keys(reality)
    assert found[keys["stale"]].owner.username == "olga"
    # The orphaned model's owner left: nobody active is accountable until someone is named.
    assert found[keys["orphaned"]].owner is None
    assert found[keys["unregistered running"]].model is None


def test_default_owner_takes_findings_nobody_else_can(reality, settings) -> None:
    UserFactory(username="compliance-desk")
    settings.CUSTODIA_FINDINGS_DEFAULT_OWNER = "compliance-desk"
    reconciliation_run()
    keys = expected_keys(reality)
    assert Finding.objects.get(key=keys["unregistered running"]).owner.username == "compliance-desk"
    assert Finding.objects.get(key=keys["orphaned"]).owner.username == "compliance-desk"


def test_second_run_adds_no_duplicate_and_writes_no_history(reality) -> None:
    reconciliation_run()
    rows = Finding.objects.count()
    history = Finding.history.count()

    summary = reconciliation_run()

    assert Finding.objects.count() == rows
    assert Finding.history.count() == history
    assert (summary["opened"], summary["reopened"], summary["closed"]) == (0, 0, 0)
    assert summary["unchanged"] == rows


def test_fixed_problem_closes_and_reappearing_one_reopens(reality, compliance_officer) -> None:
    reconciliation_run()
    keys = expected_keys(reality)
    mlmodel_review_record(model=reality.stale, actor=compliance_officer,
                          reason="Annual review: still fit for purpose")

    summary = reconciliation_run()

    stale = Finding.objects.get(key=keys["stale"])
    assert stale.status == FindingStatus.CLOSED and stale.closed_at is not None
    assert summary["closed"] == 1
    assert stale.history.first().history_change_reason.startswith("No longer seen")

    # The platform reports the unregistered model no more: closed. Then it is back.
    reality_listing_create(actor=compliance_officer, kind="serving_platform",
                           source="sagemaker-eu", items=[])
    reconciliation_run()
    running = Finding.objects.get(key=keys["unregistered running"])
    assert running.status == FindingStatus.CLOSED
    reality_listing_create(actor=compliance_officer, kind="serving_platform",
                           source="sagemaker-eu", items=[
                               {"model_name": "shadow-pricing-gbm", "version": 2,
                                "environment": "production"}])
    summary = reconciliation_run()
    running.refresh_from_db()
    assert running.status == FindingStatus.OPEN and running.closed_at is None
    assert summary["reopened"] == 1
    assert Finding.objects.filter(key=keys["unregistered running"]).count() == 1


def test_marked_fixed_but_still_seen_reopens(reality, compliance_officer) -> None:
    reconciliation_run()
    finding = Finding.objects.get(key=expected_keys(reality)["orphaned"])
    finding_update(finding=finding, actor=compliance_officer, reason="New owner appointed",
                   status=FindingStatus.RESOLVED)

    reconciliation_run()

    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    reasons = list(finding.history.values_list("history_change_reason", flat=True))
    assert reasons[0].startswith("Seen again") and reasons[1] == "New owner appointed"


def test_being_fixed_stays_being_fixed_while_seen(reality, compliance_officer) -> None:
    reconciliation_run()
    finding = Finding.objects.get(key=expected_keys(reality)["stale"])
    finding_update(finding=finding, actor=compliance_officer, reason="Review booked",
                   status=FindingStatus.IN_PROGRESS)
    reconciliation_run()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_PROGRESS


# --------------------------------------------------------------------------------------
# Working on findings: bad input and rights
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "field"), [
    ({"status": FindingStatus.CLOSED}, "status"),
    ({"status": "fixed-ish"}, "status"),
    ({"due_on": datetime.date(2020, 1, 1)}, "due_on"),
    ({"reason": " "}, "reason"),
])
def test_finding_update_refuses_bad_input_and_writes_nothing(compliance_officer, changes,
                                                             field) -> None:
    from tests.factories.reconciliation import FindingFactory

    finding = FindingFactory()
    history = finding.history.count()
    arguments = {"reason": "Working on it", **changes}
    with pytest.raises(ValidationError) as error:
        finding_update(finding=finding, actor=compliance_officer, **arguments)
    assert field in error.value.message_dict
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.history.count() == history


def test_finding_update_refuses_an_inactive_owner_and_a_user_without_the_right(
        compliance_officer, auditor) -> None:
    from tests.factories.reconciliation import FindingFactory

    finding = FindingFactory()
    with pytest.raises(ValidationError) as error:
        finding_update(finding=finding, actor=compliance_officer, reason="Hand over",
                       owner=UserFactory(is_active=False))
    assert "owner" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        finding_update(finding=finding, actor=auditor, reason="Not mine to change",
                       status=FindingStatus.IN_PROGRESS)


def test_closed_finding_cannot_be_worked_on(compliance_officer) -> None:
    from tests.factories.reconciliation import FindingFactory

    finding = FindingFactory(status=FindingStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        finding_update(finding=finding, actor=compliance_officer, reason="Reopen",
                       status=FindingStatus.OPEN)
    assert "status" in error.value.message_dict


# --------------------------------------------------------------------------------------
# Listings: all or nothing, field errors naming the item
# --------------------------------------------------------------------------------------
def test_listing_with_a_bad_item_is_refused_whole(compliance_officer) -> None:
    with pytest.raises(ValidationError) as error:
        reality_listing_create(actor=compliance_officer, kind="serving_platform", source="k8s",
                               items=[{"model_name": "ok-model", "environment": "production"},
                                      {"model_name": "", "environment": "production"},
                                      {"model_name": "x", "environment": "moon"}])
    assert set(error.value.message_dict) == {"items[2]", "items[3]"}
    assert "environment" in error.value.message_dict["items[3]"][0]
    assert not RealityListing.objects.exists()


def test_artifact_listing_items_need_a_uri_and_reporting_needs_the_right(
        compliance_officer, auditor) -> None:
    with pytest.raises(ValidationError) as error:
        reality_listing_create(actor=compliance_officer, kind="artifact_store", source="s3",
                               items=[{"model_name": "x"}])
    assert "items[1]" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        reality_listing_create(actor=auditor, kind="artifact_store", source="s3", items=[])


# --------------------------------------------------------------------------------------
# Reviews (inventory service)
# --------------------------------------------------------------------------------------
def test_review_record_validates_date_reason_and_right(compliance_officer, data_scientist) -> None:
    from tests.factories.catalogue import MLModelFactory

    model = MLModelFactory(last_reviewed_on=timezone.localdate() - datetime.timedelta(days=3))
    for kwargs, field in (({"reviewed_on": timezone.localdate() + datetime.timedelta(days=1)},
                           "reviewed_on"),
                          ({"reviewed_on": timezone.localdate() - datetime.timedelta(days=9)},
                           "reviewed_on"),
                          ({"reason": ""}, "reason")):
        with pytest.raises(ValidationError) as error:
            mlmodel_review_record(model=model, actor=compliance_officer,
                                  **{"reason": "Reviewed", **kwargs})
        assert field in error.value.message_dict
    with pytest.raises(PermissionDenied):
        mlmodel_review_record(model=model, actor=data_scientist, reason="Self-review")
    reviewed = mlmodel_review_record(model=model, actor=compliance_officer,
                                     reason="Fit for purpose; thresholds unchanged")
    assert reviewed.last_reviewed_on == timezone.localdate()
    row = reviewed.history.first()
    assert (row.history_user, row.history_change_reason) == (
        compliance_officer, "Fit for purpose; thresholds unchanged")


def test_roles_hold_the_reconciliation_rights(compliance_officer, auditor) -> None:
    assert compliance_officer.has_perm("governance.run_reconciliation")
    assert compliance_officer.has_perm("governance.work_finding")
    assert not auditor.has_perm("governance.run_reconciliation")
    assert UserFactory(roles=[Role.VALIDATOR]).has_perm("inventory.review_mlmodel")


def test_never_reviewed_model_is_overdue_counted_from_registration(stores) -> None:
    from inventory.models import MLModel
    from tests.factories.catalogue import MLModelFactory

    old = MLModelFactory(name="registered-long-ago", risk_tier=RiskTier.CRITICAL,
                         owner=UserFactory())
    fresh = MLModelFactory(name="registered-today", risk_tier=RiskTier.CRITICAL,
                           owner=UserFactory())
    # Registration date moved back past the critical tier's 90 days (plain manager: this
    # test edits the timestamp the way a long-lived database holds it).
    MLModel._base_manager.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=120))
    reconciliation_run()
    assert Finding.objects.filter(key=f"stale:{old.pk}").exists()
    assert not Finding.objects.filter(key=f"stale:{fresh.pk}").exists()
    assert "never reviewed since registration" in Finding.objects.get(key=f"stale:{old.pk}").detail


@pytest.mark.django_db(transaction=True)
def test_a_second_run_while_one_holds_the_lock_does_nothing(stores, settings) -> None:
    """Two workers never reconcile at once: the PostgreSQL advisory lock is taken by the
    first; the second returns at once without writing."""
    import psycopg
    from django.db import connection

    from governance.services.reconciliation import _LOCK_ID
    from tests.factories.catalogue import MLModelFactory

    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's")
    MLModelFactory(risk_tier=RiskTier.HIGH, owner=None)  # would be orphaned
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [_LOCK_ID])
        summary = reconciliation_run()
        assert summary == {"skipped": "another reconciliation is running"}
        assert not Finding.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_ID])
    assert reconciliation_run()["opened"] == 1


def test_listed_version_that_is_not_registered_names_the_model_and_its_owner(
        stores, compliance_officer) -> None:
    from tests.factories.catalogue import MLModelFactory, ModelVersionFactory

    owner = UserFactory(username="maria")
    model = MLModelFactory(name="Credit-Default-XGB", owner=owner)
    ModelVersionFactory(model=model, stage="production")
    reality_listing_create(actor=compliance_officer, kind="deployment_report", source="argo",
                           items=[{"model_name": "credit-default-xgb", "version": 9,
                                   "environment": "production"},
                                  {"model_name": "CREDIT-default-xgb", "version": 1,
                                   "environment": "production"}])
    reconciliation_run()
    finding = Finding.objects.get(kind="unauthorised")
    assert finding.key == "unauthorised:running:credit-default-xgb:9:production"
    assert (finding.model, finding.owner) == (model, owner)
