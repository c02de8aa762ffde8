"""Audit infrastructure: who/why on every history row, guarded bulk writes, the append-only
access log and its admin. `Team` stands in for every governed model (it is the simplest)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.audit import audit_context, current_audit_context, describe_actor
from core.choices import AccessAction, JobStatus
from core.models import AccessEvent, JobRun
from core.models.governed import AuditedWriteRequired, bulk_create_audited, update_audited
from core.roles import Role
from core.services.audit import access_event_record
from inventory.models import Team
from tests.factories import AccessEventFactory, JobRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_team(slug: str = "fraud", **extra) -> Team:
    return Team.objects.create(name=slug.title(), slug=slug, business_unit="Payments", **extra)


def last_history(obj):
    return obj.history.order_by("-history_id").first()


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def request_as():
    """Simulate what HistoryRequestMiddleware does for the duration of a request."""

    def attach(user):
        request = RequestFactory().get("/")
        request.user = user
        HistoricalRecords.context.request = request
        return request

    yield attach
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


# --------------------------------------------------------------------------------------
# audit_context and describe_actor
# --------------------------------------------------------------------------------------
def test_audit_context_sets_and_restores(alice):
    assert current_audit_context() is None
    with audit_context(user=alice, label="job:rehash:42", reason="Nightly rehash") as context:
        assert current_audit_context() == context
        assert (context.user, context.label, context.reason) == (alice, "job:rehash:42",
                                                                  "Nightly rehash")
    assert current_audit_context() is None


def test_nested_audit_context_inherits_what_it_does_not_override(alice):
    with audit_context(user=alice, label="job:report:7", reason="Quarterly report"), \
            audit_context(reason="Regenerate one page") as inner:
        assert (inner.user, inner.label, inner.reason) == (alice, "job:report:7",
                                                           "Regenerate one page")
    assert current_audit_context() is None


def test_audit_context_is_restored_after_an_error(alice):
    with pytest.raises(RuntimeError), audit_context(user=alice):
        raise RuntimeError("boom")
    assert current_audit_context() is None


def test_describe_actor_names_user_and_label(alice):
    with audit_context(user=alice, label="job:rehash:42"):
        assert describe_actor() == "alice (job:rehash:42)"
    with audit_context(label="command:sync_schedules"):
        assert describe_actor() == "command:sync_schedules"
    with audit_context(user=alice):
        assert describe_actor() == "alice"


def test_describe_actor_explicit_user_wins(alice):
    bob = UserFactory(username="bob")
    with audit_context(user=alice):
        assert describe_actor(bob) == "bob"


def test_describe_actor_is_never_empty_outside_any_context():
    actor = describe_actor()
    assert actor.startswith("system:") and len(actor) > len("system:")


def test_describe_actor_uses_the_request_user(alice, request_as):
    request_as(alice)
    assert describe_actor() == "alice"


def test_describe_actor_ignores_anonymous_requests(request_as):
    request_as(AnonymousUser())
    assert describe_actor().startswith("system:")


# --------------------------------------------------------------------------------------
# History rows on a governed model
# --------------------------------------------------------------------------------------
def test_history_row_carries_user_reason_and_text_actor(alice):
    with audit_context(user=alice, reason="Team formed for the fraud models"):
        team = make_team()
    row = last_history(team)
    assert row.history_type == "+"
    assert row.history_user == alice
    assert row.history_change_reason == "Team formed for the fraud models"
    assert row.history_actor == "alice"


def test_job_history_names_the_job_without_a_user():
    with audit_context(label="job:reconcile:9", reason="Reconciliation run 9"):
        team = make_team()
    row = last_history(team)
    assert row.history_user is None
    assert row.history_actor == "job:reconcile:9"
    assert row.history_change_reason == "Reconciliation run 9"


def test_history_outside_any_context_still_names_an_actor():
    row = last_history(make_team())
    assert row.history_actor.startswith("system:")


def test_request_user_is_the_history_user(alice, request_as):
    request_as(alice)
    row = last_history(make_team())
    assert (row.history_user, row.history_actor) == (alice, "alice")


def test_explicit_change_reason_beats_the_context(alice):
    with audit_context(user=alice, reason="Generic reason"):
        team = make_team()
        team.description = "Owns card-fraud scoring"
        team._change_reason = "Description agreed with the business unit"
        team.save()
    assert last_history(team).history_change_reason == "Description agreed with the business unit"


def test_text_actor_survives_deletion_of_the_user(alice):
    with audit_context(user=alice, reason="Created"):
        team = make_team()
    alice.delete()
    row = last_history(team)
    assert row.history_user_id is None
    assert row.history_actor == "alice"


def test_deletion_is_in_the_history(alice):
    with audit_context(user=alice, reason="Created"):
        team = make_team()
    pk = team.pk
    with audit_context(user=alice, reason="Team merged into Payments risk"):
        team.delete()
    row = Team.history.filter(id=pk).order_by("-history_id").first()
    assert (row.history_type, row.history_change_reason, row.history_actor) == (
        "-", "Team merged into Payments risk", "alice")


# --------------------------------------------------------------------------------------
# Bulk writes: refused unless audited
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("operation", ["update", "bulk_update", "bulk_create"])
def test_unaudited_bulk_writes_are_refused(operation):
    team = make_team()
    team.business_unit = "Changed"
    calls = {
        "update": lambda: Team.objects.filter(pk=team.pk).update(business_unit="Changed"),
        "bulk_update": lambda: Team.objects.bulk_update([team], ["business_unit"]),
        "bulk_create": lambda: Team.objects.bulk_create(
            [Team(name="Other", slug="other", business_unit="X")]),
    }
    with pytest.raises(AuditedWriteRequired, match=operation):
        calls[operation]()
    assert Team.objects.get(pk=team.pk).business_unit == "Payments"
    assert Team.objects.count() == 1


def test_update_audited_writes_one_history_row_per_object(alice):
    teams = [make_team("a"), make_team("b")]
    changed = update_audited(Team.objects.filter(pk__in=[t.pk for t in teams]), actor=alice,
                             reason="Business unit renamed", business_unit="Payments & Cards")
    assert changed == 2
    for team in teams:
        team.refresh_from_db()
        assert team.business_unit == "Payments & Cards"
        row = last_history(team)
        assert (row.history_type, row.history_user, row.history_change_reason,
                row.history_actor) == ("~", alice, "Business unit renamed", "alice")


def test_bulk_create_audited_writes_created_rows(alice):
    created = bulk_create_audited(
        Team, [Team(name=f"T{i}", slug=f"t{i}", business_unit="X") for i in range(3)],
        actor=alice, reason="Imported from the HR system")
    assert len(created) == 3
    rows = Team.history.filter(history_type="+")
    assert rows.count() == 3
    assert set(rows.values_list("history_change_reason", "history_actor", "history_user")) == {
        ("Imported from the HR system", "alice", alice.pk)}


def test_simple_history_revert_is_disabled():
    """An admin "revert" would restore an approved state without an approval."""
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


# --------------------------------------------------------------------------------------
# Access events: append-only, complete
# --------------------------------------------------------------------------------------
def test_access_event_cannot_be_saved_twice():
    event = AccessEventFactory(query="first")
    event.query = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    assert AccessEvent.objects.get(pk=event.pk).query == "first"


def test_access_event_cannot_be_deleted():
    event = AccessEventFactory()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_access_events_cannot_be_updated_in_bulk():
    event = AccessEventFactory(actor="auditor")
    with pytest.raises(PermissionError):
        AccessEvent.objects.update(actor="someone else")
    assert AccessEvent.objects.get(pk=event.pk).actor == "auditor"


def test_access_event_record_from_a_request(alice):
    team = make_team()
    request = RequestFactory().get("/inventory/teams/?q=fraud", REMOTE_ADDR="203.0.113.7",
                                   HTTP_USER_AGENT="Mozilla/5.0 (audit test)")
    request.user = alice

    event = access_event_record(request=request, action=AccessAction.VIEW, obj=team)

    stored = AccessEvent.objects.get(pk=event.pk)
    assert stored.user == alice
    assert stored.actor == "alice"
    assert stored.action == AccessAction.VIEW
    assert stored.content_type.model_class() is Team
    assert stored.object_id == str(team.pk)
    assert stored.object_repr == str(team)
    assert stored.path == "/inventory/teams/?q=fraud"
    assert stored.client_address == "203.0.113.7"
    assert stored.user_agent == "Mozilla/5.0 (audit test)"
    assert stored.occurred_at is not None


def test_access_event_record_for_a_job_without_request(alice):
    with audit_context(label="job:report:3"):
        event = access_event_record(user=alice, action="export", query="stage=production",
                                    result_count=12)
    assert (event.actor, event.action, event.query, event.result_count) == (
        "alice (job:report:3)", "export", "stage=production", 12)
    assert event.client_address is None and event.path == ""


def test_access_event_record_refuses_unknown_actions(alice):
    with pytest.raises(ValueError):
        access_event_record(user=alice, action="peek")
    assert not AccessEvent.objects.exists()


def test_long_query_is_truncated_not_refused(alice):
    event = access_event_record(user=alice, action=AccessAction.SEARCH, query="q" * 5000)
    assert len(AccessEvent.objects.get(pk=event.pk).query) == 1000


def test_dashboard_search_and_export_are_recorded_with_client_address(client, compliance_officer):
    JobRunFactory(status=JobStatus.FAILED)
    JobRunFactory(status=JobStatus.SUCCEEDED)
    client.force_login(compliance_officer)

    assert client.get(reverse("core:jobrun_list")).status_code == 200
    assert not AccessEvent.objects.exists()  # an unfiltered look is not a search

    client.get(reverse("core:jobrun_list"), {"status": "failed"})
    response = client.get(reverse("core:jobrun_list"), {"status": "failed", "export": "csv"})
    b"".join(response.streaming_content)

    search, export = AccessEvent.objects.order_by("id")
    assert (search.action, search.result_count, search.user) == ("search", 1, compliance_officer)
    assert search.query == "status=failed"
    assert search.client_address == "127.0.0.1"
    assert (export.action, export.result_count) == ("export", 1)
    assert export.path.startswith(reverse("core:jobrun_list"))


# --------------------------------------------------------------------------------------
# Evidence in the admin: visible, never changed
# --------------------------------------------------------------------------------------
@pytest.fixture
def staff_auditor(db):
    """An auditor who has been given admin access (auditors are not staff by default)."""
    return UserFactory(username="staff-auditor", roles=[Role.AUDITOR], is_staff=True)


@pytest.mark.parametrize(("model_name", "make"), [
    ("accessevent", lambda: AccessEventFactory()),
    ("jobrun", lambda: JobRunFactory()),
])
def test_auditor_sees_evidence_read_only_in_admin(client, staff_auditor, model_name, make):
    obj = make()
    client.force_login(staff_auditor)
    changelist = client.get(reverse(f"admin:core_{model_name}_changelist"))
    assert changelist.status_code == 200
    assert str(obj.pk) in changelist.content.decode() or str(obj) in changelist.content.decode()

    change_url = reverse(f"admin:core_{model_name}_change", args=[obj.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and "Delete" not in html.split("<main", 1)[-1]

    assert client.get(reverse(f"admin:core_{model_name}_add")).status_code == 403
    assert client.get(reverse(f"admin:core_{model_name}_delete",
                              args=[obj.pk])).status_code == 403
    assert client.post(change_url, {"actor": "tampered"}).status_code == 403
    model = type(obj)
    assert model.objects.filter(pk=obj.pk).exists()
    assert not model.objects.filter(actor="tampered").exists()


def test_admin_bulk_delete_of_evidence_is_not_offered(client, platform_admin):
    JobRunFactory()
    client.force_login(platform_admin)
    html = client.get(reverse("admin:core_jobrun_changelist")).content.decode()
    assert "delete_selected" not in html
    assert JobRun.objects.count() == 1


@pytest.mark.parametrize("model_name", ["accessevent", "jobrun"])
def test_staff_without_role_is_refused_evidence_in_admin(client, model_name):
    refused_staff = UserFactory(username="refused-staff", is_staff=True)
    obj = AccessEventFactory() if model_name == "accessevent" else JobRunFactory()
    client.force_login(refused_staff)
    assert client.get(reverse(f"admin:core_{model_name}_changelist")).status_code == 403
    assert client.get(reverse(f"admin:core_{model_name}_change",
                              args=[obj.pk])).status_code == 403


def test_refused_user_cannot_reach_the_admin(client, refused_user):
    client.force_login(refused_user)
    response = client.get(reverse("admin:core_accessevent_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_data_scientist_may_not_see_the_access_log_in_admin(client, data_scientist):
    AccessEventFactory()
    client.force_login(data_scientist)
    assert client.get(reverse("admin:core_accessevent_changelist")).status_code == 403


# --------------------------------------------------------------------------------------
# Admin history: viewable, never reverted (SIMPLE_HISTORY_REVERT_DISABLED is only a hidden
# button in simple-history; the form still saved an old version on POST)
# --------------------------------------------------------------------------------------
def test_admin_history_version_can_be_viewed_but_not_reverted(client, platform_admin):
    with audit_context(user=platform_admin, reason="Created"):
        team = make_team(description="Original wording")
    with audit_context(user=platform_admin, reason="Reworded after review"):
        team.description = "Approved wording"
        team.save()
    old = team.history.order_by("history_id").first()
    url = reverse("admin:inventory_team_simple_history", args=[team.pk, old.history_id])
    client.force_login(platform_admin)

    page = client.get(url)
    assert page.status_code == 200
    assert "Revert" not in page.content.decode()

    response = client.post(url, {"name": team.name, "slug": team.slug,
                                 "business_unit": team.business_unit,
                                 "description": "Original wording"})
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.description == "Approved wording"
    assert team.history.count() == 2


def test_deleting_a_governed_row_anywhere_forgets_its_grants_and_denials(model_owner):
    """Guardian leaves object grants behind; a new row reusing the id must not inherit them.
    The admin's and the shell's plain delete() are covered, not only the services."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import assign_perm

    from core.models import PermissionDenial
    from inventory.models import Team

    with audit_context(label="test"):
        team = Team.objects.create(name="Forgetful", slug="forgetful", business_unit="Tests")
    assign_perm("inventory.change_team", model_owner, team)
    PermissionDenial.objects.create(content_type=ContentType.objects.get_for_model(Team),
                                    object_id=str(team.pk), user=model_owner, action="view",
                                    reason="test")
    team_pk = team.pk
    with audit_context(label="test", reason="cleanup"):
        team.delete()

    assert not UserObjectPermission.objects.filter(object_pk=str(team_pk)).exists()
    assert not PermissionDenial.objects.filter(object_id=str(team_pk)).exists()
