"""The audit trail page and /api/v1/audit-events/: one search over the chained audit log,
changes field by field, CSV and PDF extracts, who may read it, and the home dashboard's
alert when a verification found the chain broken."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import AccessAction
from core.models import AccessEvent, AuditEvent
from core.services.audit import access_event_record
from core.services.audit_chain import audit_chain_verify, audit_verification_record
from core.services.records import record_create, record_update
from inventory.models import Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/governance/audit-trail/"
API = "/api/v1/audit-events/"


def new_team(actor, slug: str, unit: str = "Payments") -> Team:
    return record_create(model_class=Team, actor=actor, reason=f"Create {slug}",
                         data={"name": slug.title(), "slug": slug, "business_unit": unit})


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def moved_team(alice):
    team = new_team(alice, "fraud")
    return record_update(instance=team, actor=alice, reason="Reorganisation",
                         data={"business_unit": "Cards"})


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_page_shows_each_change_field_by_field(client, auditor, moved_team):
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    entries = response.context["entries"]
    changed = next(row for row in entries if row.event.action == "changed")
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("Business unit", "Payments", "Cards")]
    created = next(row for row in entries if row.event.action == "created")
    assert ("Business unit", "Payments") in created.details
    html = response.content.decode()
    assert "Reorganisation" in html and "Cards" in html and "Payments" in html


@pytest.mark.parametrize("role", ["auditor", "compliance_officer", "platform_admin"])
def test_auditors_and_compliance_staff_may_read_it(client, request, role, moved_team):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["refused_user", "data_scientist", "model_owner"])
def test_others_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?export=pdf").status_code == 403
    assert client.get(URL + "?export=csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_one_search_by_record_user_action_time_and_area(client, auditor, alice, moved_team):
    bob = UserFactory(username="bob")
    other = new_team(bob, "churn")
    access_event_record(user=bob, action=AccessAction.EXPORT, obj=other, query="all")
    client.force_login(auditor)

    def found(query: str) -> set[int]:
        response = client.get(URL, {**query, "per_page": 250})
        assert response.status_code == 200
        return {row.event.seq for row in response.context["entries"]}

    team_entries = set(AuditEvent.objects.filter(object_id=str(moved_team.pk),
                                                 content_type__model="team")
                       .values_list("seq", flat=True))
    assert found({"record_type": "inventory.team", "object_id": str(moved_team.pk)}) == \
        team_entries
    assert found({"actor": "bob"}) == set(AuditEvent.objects.filter(actor="bob")
                                          .values_list("seq", flat=True))
    assert found({"user": bob.pk}) == set(AuditEvent.objects.filter(user_id=bob.pk)
                                          .values_list("seq", flat=True))
    exports = found({"action": "export"})
    assert exports and all(AuditEvent.objects.get(seq=s).action == "export" for s in exports)
    assert found({"app": "inventory", "q": "churn"}) == set(
        AuditEvent.objects.filter(object_id=str(other.pk), content_type__model="team")
        .values_list("seq", flat=True))
    later = timezone.localtime(timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert found({"occurred_after": later}) == set()
    assert found({"occurred_before": later}) >= team_entries


def test_a_bad_filter_value_is_a_form_error_not_a_500(client, auditor, moved_team):
    client.force_login(auditor)
    response = client.get(URL, {"occurred_after": "last tuesday", "action": "fly"})
    assert response.status_code == 200
    assert "occurred_after" in response.context["filter_errors"]
    assert "action" in response.context["filter_errors"]
    assert response.context["entries"] == []


def test_csv_export_holds_the_filtered_entries_with_their_changes(client, auditor, moved_team):
    client.force_login(auditor)
    response = client.get(URL, {"record_type": "inventory.team", "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Entry" and rows[0][-1] == "Entry SHA-256"
    assert len(rows) == 1 + 2
    changed = next(r for r in rows[1:] if r[3] == "Changed")
    assert changed[8] == "Business unit: Payments → Cards"
    assert changed[9] == AuditEvent.objects.get(seq=int(changed[0])).entry_hash
    export = AccessEvent.objects.get(action="export", actor=auditor.username)
    assert export.result_count == 2


def test_an_export_holds_what_was_written_before_it_not_its_own_event(client, auditor,
                                                                     moved_team):
    client.force_login(auditor)
    before = AuditEvent.objects.count()
    response = client.get(URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) - 1 == before
    assert AuditEvent.objects.count() == before + 1  # the export, in the log from now on
    text = _pdf_text(client.get(URL, {"export": "pdf"}).content)
    assert f"{before + 1} of {before + 1} entries" in text


def test_pdf_export_is_an_extract_with_the_entries_and_the_chain_state(client, auditor,
                                                                       moved_team):
    audit_verification_record(report=audit_chain_verify(), started_at=timezone.now())
    client.force_login(auditor)
    response = client.get(URL, {"record_type": "inventory.team", "export": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Audit trail extract" in text and "Reorganisation" in text
    assert "Payments → Cards" in text.replace("\n", " ")
    assert "verified intact" in text
    assert AccessEvent.objects.filter(action="export", actor=auditor.username).exists()


def test_the_page_reads_in_constant_queries_as_entries_grow(client, auditor, alice):
    client.force_login(auditor)

    def count() -> int:
        client.get(URL)  # warm caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"per_page": 100}).status_code == 200
        return len(queries)

    for i in range(3):
        record_update(instance=new_team(alice, f"team-{i}"), actor=alice, reason="Move",
                      data={"business_unit": "Cards"})
    small = count()
    for i in range(3, 12):
        record_update(instance=new_team(alice, f"team-{i}"), actor=alice, reason="Move",
                      data={"business_unit": "Cards"})
    assert count() == small
    assert small <= 14


def test_the_page_says_whether_the_chain_was_verified(client, auditor, moved_team):
    client.force_login(auditor)
    assert "not been verified yet" in client.get(URL).content.decode()
    audit_verification_record(report=audit_chain_verify(), started_at=timezone.now())
    assert "Intact." in client.get(URL).content.decode()


def _break_the_chain() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET actor = 'mallory' WHERE seq = 1")
    audit_verification_record(report=audit_chain_verify(), started_at=timezone.now())


def test_a_broken_chain_raises_an_alert_on_the_home_dashboard(client, auditor, moved_team):
    client.force_login(auditor)
    assert 'data-testid="alert-audit-chain-broken"' not in client.get("/").content.decode()
    _break_the_chain()
    html = client.get("/").content.decode()
    assert 'data-testid="alert-audit-chain-broken"' in html
    assert "broken at entry #1" in html and reverse("governance:auditevent_list") in html
    assert "Broken at entry #1" in client.get(URL).content.decode()


def test_the_alert_is_not_shown_to_those_who_may_not_read_the_log(client, data_scientist,
                                                                  moved_team):
    _break_the_chain()
    client.force_login(data_scientist)
    assert 'data-testid="alert-audit-chain-broken"' not in client.get("/").content.decode()


def test_an_intact_verification_after_a_repair_clears_the_alert(client, auditor, moved_team):
    _break_the_chain()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET actor = 'alice' WHERE seq = 1")
    audit_verification_record(report=audit_chain_verify(), started_at=timezone.now())
    client.force_login(auditor)
    assert 'data-testid="alert-audit-chain-broken"' not in client.get("/").content.decode()


# --------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------
def test_the_api_gives_each_entry_its_hashes_and_field_changes(api_client_for, auditor,
                                                               moved_team):
    client = api_client_for(auditor)
    changed = AuditEvent.objects.get(action="changed")
    body = client.get(f"{API}{changed.seq}/").json()
    assert body["record_type"] == "inventory.team" and body["object_id"] == str(moved_team.pk)
    assert body["changes"] == [{"field": "business_unit", "label": "Business unit",
                                "before": "Payments", "after": "Cards"}]
    assert body["values"]["business_unit"] == "Cards"
    assert (body["entry_hash"], body["prev_hash"]) == (changed.entry_hash, changed.prev_hash)
    listed = client.get(API, {"record_type": "inventory.team", "action": "changed"}).json()
    assert [row["seq"] for row in listed["results"]] == [changed.seq]
    assert listed["results"][0]["changes"][0]["after"] == "Cards"


def test_the_api_refuses_bad_filters_and_every_write(api_client_for, auditor, moved_team):
    client = api_client_for(auditor)
    response = client.get(API, {"occurred_after": "soon"})
    assert response.status_code == 400 and "occurred_after" in str(response.json())
    # ISO 8601 allows offsets PostgreSQL refuses; numbers beyond its integers are refused.
    assert client.get(API, {"occurred_before": "0239-11-08T01:03:20+16:09"}).status_code == 200
    assert client.get(API, {"occurred_before": "0001-01-01T00:00:00+10:00"}).status_code == 400
    assert client.get(API, {"seq": "1e30"}).status_code == 400
    seq, count = AuditEvent.objects.first().seq, AuditEvent.objects.count()
    assert client.post(API, {}, format="json").status_code in (403, 405)
    assert client.patch(f"{API}{seq}/", {"actor": "x"}, format="json").status_code in (403, 405)
    assert client.delete(f"{API}{seq}/").status_code in (403, 405)
    assert AuditEvent.objects.filter(actor="x").count() == 0
    assert AuditEvent.objects.count() == count
