"""The hash-chained audit log: what enters it (every history row, every access event, in the
transaction of the change), that it verifies, and that tampering with one row directly in
the database is found and named. `Team` stands in for every governed model.

These run on the database the suite uses; on PostgreSQL (CI) they exercise the one-statement
append and the tampering is done with raw SQL against the real table."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.audit import audit_context
from core.choices import AccessAction, AuditAction, AuditEventKind
from core.models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditVerification
from core.models.governed import bulk_create_audited, update_audited
from core.services.audit import access_event_record
from core.services.audit_chain import (
    audit_chain_verify,
    audit_checkpoint_create,
    checkpoint_signature,
    content_digest,
    entry_digest,
)
from core.services.records import record_create, record_delete, record_update
from inventory.models import Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def new_team(actor, slug: str) -> Team:
    return record_create(model_class=Team, actor=actor, reason=f"Create {slug}",
                         data={"name": slug.title(), "slug": slug, "business_unit": "Payments"})


def chain_of(actor, length: int = 6) -> list[int]:
    """Write `length` entries through the application: creates, changes, access events."""
    while AuditEvent.objects.count() < length:
        team = new_team(actor, f"team-{AuditEvent.objects.count()}")
        record_update(instance=team, actor=actor, reason="Rename", data={"name": f"Renamed {team.slug}"})
        access_event_record(user=actor, action=AccessAction.VIEW, obj=team)
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def sql(statement: str, params: list | None = None) -> None:
    """Tamper as someone with database access would: around the application."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def broken(report, seq: int) -> None:
    assert not report.intact, "the tampering went unnoticed"
    assert report.broken_seq == seq, report.problem
    assert f"#{seq}" in report.problem


# --------------------------------------------------------------------------------------
# What enters the chain
# --------------------------------------------------------------------------------------
def test_every_change_to_a_governed_record_is_chained_with_who_why_and_fields(alice):
    team = new_team(alice, "fraud")
    team_id, label = team.pk, str(team)
    record_update(instance=team, actor=alice, reason="Business unit moved",
                  data={"business_unit": "Cards"})
    record_delete(instance=team, actor=alice, reason="Merged into risk")

    entries = list(AuditEvent.objects.filter(object_id=str(team_id)).order_by("seq"))
    assert [e.action for e in entries] == [AuditAction.CREATED, AuditAction.CHANGED,
                                           AuditAction.DELETED]
    assert {e.kind for e in entries} == {AuditEventKind.HISTORY}
    assert {e.content_type.model for e in entries} == {"team"}
    assert [e.reason for e in entries] == ["Create fraud", "Business unit moved",
                                           "Merged into risk"]
    assert {e.actor for e in entries} == {"alice"} and {e.user_id for e in entries} == {alice.pk}
    assert entries[1].values["business_unit"] == "Cards"
    assert entries[0].values["business_unit"] == "Payments"
    assert entries[0].object_repr == label
    # Each history row is named, so an entry can be traced back to it.
    history_ids = sorted(Team.history.filter(id=team_id).values_list("history_id", flat=True))
    assert [e.source for e in entries] == [f"inventory.historicalteam:{h}" for h in history_ids]


def test_every_access_event_is_chained(alice):
    team = new_team(alice, "fraud")
    event = access_event_record(user=alice, action=AccessAction.EXPORT, obj=team,
                                query="stage=production", result_count=12)
    entry = AuditEvent.objects.get(source=f"core.accessevent:{event.pk}")
    assert (entry.kind, entry.action, entry.actor) == (AuditEventKind.ACCESS, "export", "alice")
    assert entry.object_id == str(team.pk)
    assert entry.values["query"] == "stage=production" and entry.values["result_count"] == 12


def test_bulk_writes_through_the_audited_helpers_are_chained_in_order(alice):
    teams = bulk_create_audited(Team, [Team(name=f"T{i}", slug=f"t-{i}", business_unit="X")
                                       for i in range(3)], actor=alice, reason="Import")
    update_audited(Team.objects.filter(pk__in=[t.pk for t in teams]), actor=alice,
                   reason="Reorganisation", business_unit="Y")
    entries = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in entries] == ["created"] * 3 + ["changed"] * 3
    assert {e.actor for e in entries} == {"alice"}
    assert [e.values["business_unit"] for e in entries[3:]] == ["Y"] * 3
    assert audit_chain_verify().intact


def test_a_rolled_back_change_leaves_no_entry_and_the_head_where_it_was(alice):
    new_team(alice, "kept")
    head_before = AuditChainHead.objects.values_list("seq", "entry_hash").get()
    with pytest.raises(RuntimeError), transaction.atomic():
        new_team(alice, "undone")
        access_event_record(user=alice, action=AccessAction.SEARCH, query="x")
        raise RuntimeError("the request failed after writing")
    assert AuditEvent.objects.count() == 1
    assert AuditChainHead.objects.values_list("seq", "entry_hash").get() == head_before
    new_team(alice, "next")
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert audit_chain_verify().intact


def test_a_save_outside_any_transaction_commits_with_its_entry(alice):
    """Shell scripts and the admin save without a service: the row, its history row and its
    entry are still one transaction (the governed base opens it)."""
    with audit_context(user=alice, reason="Shell fix"):
        Team.objects.create(name="Shell", slug="shell", business_unit="Ops")
    entry = AuditEvent.objects.get()
    assert (entry.reason, entry.actor) == ("Shell fix", "alice")


def test_entries_hold_the_sha256_of_their_content_and_of_the_previous_entry(alice):
    chain_of(alice, 3)
    previous = "0" * 64
    for entry in AuditEvent.objects.order_by("seq"):
        content = content_digest(
            kind=entry.kind, action=entry.action, occurred_at=entry.occurred_at,
            record_type=f"{entry.content_type.app_label}.{entry.content_type.model}"
            if entry.content_type_id else "", object_id=entry.object_id,
            object_repr=entry.object_repr, actor=entry.actor, user_id=entry.user_id,
            reason=entry.reason, source=entry.source, data=entry.data)
        assert entry.content_hash == content
        assert entry.prev_hash == previous
        assert entry.entry_hash == entry_digest(entry.seq, previous, content)
        previous = entry.entry_hash


def test_the_application_cannot_change_or_remove_entries(alice):
    new_team(alice, "fraud")
    entry = AuditEvent.objects.get()
    entry.actor = "mallory"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(actor="mallory")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


# --------------------------------------------------------------------------------------
# Verification: tampering in the database is found and named
# --------------------------------------------------------------------------------------
def test_an_untouched_chain_verifies(alice):
    seqs = chain_of(alice)
    report = audit_chain_verify()
    assert report.intact and report.entries_checked == len(seqs) and report.last_seq == seqs[-1]


def test_altering_one_row_is_found_and_named(alice):
    chain_of(alice)
    sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 3", ["Approved by the board"])
    broken(audit_chain_verify(), 3)


def test_altering_a_row_and_its_content_hash_is_found_and_named(alice):
    chain_of(alice)
    sql(f"UPDATE {TABLE} SET actor = 'mallory', content_hash = %s WHERE seq = 4", ["f" * 64])
    broken(audit_chain_verify(), 4)


def test_deleting_one_row_is_found_and_named(alice):
    chain_of(alice)
    sql(f"DELETE FROM {TABLE} WHERE seq = 2")
    report = audit_chain_verify()
    broken(report, 2)
    assert "missing" in report.problem


def test_deleting_a_row_and_renumbering_the_rest_is_found(alice):
    seqs = chain_of(alice)
    sql(f"DELETE FROM {TABLE} WHERE seq = 2")
    for seq in seqs[2:]:
        sql(f"UPDATE {TABLE} SET seq = seq - 1 WHERE seq = %s", [seq])
    broken(audit_chain_verify(), 2)


def test_reordering_two_rows_is_found_and_named(alice):
    chain_of(alice)
    sql(f"UPDATE {TABLE} SET seq = -3 WHERE seq = 3")
    sql(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 4")
    sql(f"UPDATE {TABLE} SET seq = 4 WHERE seq = -3")
    report = audit_chain_verify()
    broken(report, 3)
    assert "does not follow" in report.problem


def test_inserting_one_row_in_the_middle_is_found_and_named(alice):
    seqs = chain_of(alice)
    for seq in reversed(seqs[3:]):
        sql(f"UPDATE {TABLE} SET seq = seq + 1 WHERE seq = %s", [seq])
    # A forged entry copying its neighbour's hashes, so it looks chained.
    sql(f"INSERT INTO {TABLE} (seq, occurred_at, kind, action, object_id, object_repr, actor, "
        "reason, source, data, content_hash, prev_hash, entry_hash) "
        f"SELECT 4, occurred_at, kind, 'deleted', object_id, object_repr, 'mallory', 'cover-up', "
        f"source, data, content_hash, entry_hash, entry_hash FROM {TABLE} WHERE seq = 3")
    broken(audit_chain_verify(), 4)


def test_appending_a_row_around_the_application_is_found(alice):
    seqs = chain_of(alice)
    last = seqs[-1]
    sql(f"INSERT INTO {TABLE} (seq, occurred_at, kind, action, object_id, object_repr, actor, "
        "reason, source, data, content_hash, prev_hash, entry_hash) "
        f"SELECT seq + 1, occurred_at, kind, action, object_id, object_repr, actor, reason, "
        f"source, data, content_hash, entry_hash, entry_hash FROM {TABLE} WHERE seq = %s", [last])
    broken(audit_chain_verify(), last + 1)


def test_truncating_the_tail_is_found_against_the_last_checkpoint(alice):
    seqs = chain_of(alice)
    checkpoint = audit_checkpoint_create()
    assert checkpoint.seq == seqs[-1]
    assert audit_chain_verify().checkpoint_seq == checkpoint.seq
    # Cut the last two entries and make the head agree: only the signed checkpoint knows.
    sql(f"DELETE FROM {TABLE} WHERE seq > %s", [seqs[-3]])
    survivor = AuditEvent.objects.get(seq=seqs[-3])
    sql(f"UPDATE {AuditChainHead._meta.db_table} SET seq = %s, entry_hash = %s, prev_hash = %s",
        [survivor.seq, survivor.entry_hash, survivor.prev_hash])
    report = audit_chain_verify()
    broken(report, seqs[-2])
    assert f"#{checkpoint.seq}" in report.problem and "removed" in report.problem


def test_truncating_the_tail_is_found_by_the_head_between_checkpoints(alice):
    seqs = chain_of(alice)
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [seqs[-1]])
    broken(audit_chain_verify(), seqs[-1])


def test_a_forged_or_altered_checkpoint_is_found(alice):
    chain_of(alice)
    checkpoint = audit_checkpoint_create()
    sql(f"UPDATE {AuditCheckpoint._meta.db_table} SET signature = %s WHERE id = %s",
        ["0" * 64, checkpoint.pk])
    report = audit_chain_verify()
    assert not report.intact and "signature" in report.problem


def test_a_checkpoint_signature_depends_on_the_configured_key(alice, settings):
    chain_of(alice, 1)
    checkpoint = audit_checkpoint_create()
    settings.CUSTODIA_AUDIT_CHECKPOINT_KEY = "another-key"
    assert checkpoint_signature(checkpoint.seq, checkpoint.entry_hash,
                                checkpoint.created_at) != checkpoint.signature
    assert not audit_chain_verify().intact


def test_a_checkpoint_is_signed_only_when_the_chain_grew(alice):
    assert audit_checkpoint_create() is None  # an empty chain
    chain_of(alice, 2)
    assert audit_checkpoint_create() is not None
    assert audit_checkpoint_create() is None
    new_team(alice, "more")
    assert audit_checkpoint_create().seq == AuditEvent.objects.order_by("-seq").first().seq


def test_verification_streams_the_table_in_chunks(alice):
    """Memory and query size stay flat: one query per chunk, never the whole table."""
    seqs = chain_of(alice, 9)
    with CaptureQueriesContext(connection) as queries:
        report = audit_chain_verify(chunk_size=2)
    assert report.intact and report.entries_checked == len(seqs)
    reads = [q["sql"] for q in queries.captured_queries if TABLE in q["sql"]
             and "content_hash" in q["sql"]]
    assert len(reads) == -(-len(seqs) // 2) + 1  # full chunks, then one that finds the end
    assert all("LIMIT 2" in statement for statement in reads)


# --------------------------------------------------------------------------------------
# The command and the scheduled job
# --------------------------------------------------------------------------------------
def test_the_command_reports_an_intact_chain_and_signs_a_checkpoint(alice, capsys):
    seqs = chain_of(alice)
    call_command("verify_audit_chain", "--checkpoint")
    out = capsys.readouterr().out
    assert "intact" in out and f"#{seqs[-1]}" in out
    assert AuditCheckpoint.objects.get().seq == seqs[-1]
    assert AuditVerification.objects.get().intact


def test_the_command_fails_naming_the_broken_entry(alice):
    chain_of(alice)
    sql(f"UPDATE {TABLE} SET object_repr = 'something else' WHERE seq = 5")
    with pytest.raises(CommandError, match="#5") as failure:
        call_command("verify_audit_chain")
    assert failure.value.returncode == 1
    stored = AuditVerification.objects.get()
    assert (stored.intact, stored.broken_seq) == (False, 5)


def test_the_command_refuses_a_chunk_size_below_one():
    with pytest.raises(CommandError, match="chunk-size"):
        call_command("verify_audit_chain", "--chunk-size", "0")


def test_the_scheduled_verification_keeps_its_outcome(alice):
    from core.jobs import JobContext
    from core.services.job_runs import job_run_create
    from core.tasks import audit_chain_verify_job, audit_checkpoint_job

    chain_of(alice)
    run = job_run_create(name="core.audit_checkpoint", parameters={}, user=None)
    assert audit_checkpoint_job.body(JobContext(run))["checkpoint_seq"] == 6
    sql(f"DELETE FROM {TABLE} WHERE seq = 6")
    run = job_run_create(name="core.audit_chain_verify", parameters={}, user=None)
    result = audit_chain_verify_job.body(JobContext(run))
    assert (result["intact"], result["broken_seq"]) == (False, 6)
    assert AuditVerification.objects.get().broken_seq == 6


def test_a_deployment_status_change_is_chained_with_its_reason():
    """Deployments (like approvals and every other governed record) enter the chain through
    their history, with no code of their own."""
    from inventory.choices import DeploymentStatus, ModelStage
    from inventory.services.deployments import deployment_report
    from tests.factories.catalogue import ModelVersionFactory

    admin = UserFactory(username="ops", is_superuser=True)
    version = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    place = {"environment": "production", "region": "eu-west-1"}
    deployment, _ = deployment_report(version=version, actor=admin, reason="Rolled out",
                                      data={**place, "status": DeploymentStatus.ACTIVE})
    deployment_report(version=version, actor=admin, reason="Rolled back after alerts",
                      data={**place, "status": DeploymentStatus.STOPPED})
    entries = list(AuditEvent.objects.filter(content_type__model="deployment",
                                             object_id=str(deployment.pk)).order_by("seq"))
    assert [e.values["status"] for e in entries] == ["active", "stopped"]
    assert entries[-1].reason == "Rolled back after alerts" and entries[-1].actor == "ops"
    assert audit_chain_verify().intact


def test_deleting_a_user_leaves_their_entries_and_the_chain_untouched(alice):
    new_team(alice, "fraud")
    alice_id = alice.pk
    alice.delete()
    entry = AuditEvent.objects.select_related("user").get()
    assert (entry.user_id, entry.user, entry.actor) == (alice_id, None, "alice")
    assert audit_chain_verify().intact
