"""The tamper-evident audit log: appending entries, signing checkpoints, verifying the chain.

Every history row simple-history writes (of any model, so records added later are chained
without code of their own) and every access event is appended here, in the transaction of
the change, by the receivers connected in `connect()`.

Hashes (all SHA-256, hex):
- content hash: of the entry's canonical content (`content_digest`);
- entry hash: of `"<seq>:<previous entry hash>:<content hash>"`, the first entry's previous
  hash being 64 zeros.
Changing, removing, reordering or inserting a row breaks the chain at that row; a signed
checkpoint (HMAC-SHA256 of `"<seq>:<entry hash>:<time>"`) makes a cut-off tail visible.

Concurrency: on PostgreSQL one statement updates the chain-head row (taking its row lock,
held to the end of the transaction) and inserts the entry computed from it, so writers are
chained in commit order at the cost of one round trip. On SQLite (one writer at a time) the
head is moved, the hash computed here and the entry inserted in three short statements; bulk
writes read the head with `select_for_update` and insert all their entries at once.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from core.audit import describe_actor
from core.choices import AuditAction, AuditEventKind
from core.models import AccessEvent, AuditChainHead, AuditCheckpoint, AuditEvent, AuditVerification
from core.models.audit_chain import GENESIS_HASH

__all__ = [
    "ChainReport", "PendingEntry", "audit_append", "audit_append_many",
    "audit_chain_status", "audit_chain_verify", "audit_checkpoint_create",
    "audit_verification_record", "checkpoint_signature", "connect", "content_digest",
    "entry_digest", "entry_from_access_event", "entry_from_history",
]

HISTORY_ACTIONS = {"+": AuditAction.CREATED, "~": AuditAction.CHANGED, "-": AuditAction.DELETED}


# --------------------------------------------------------------------------------------
# Canonical content and hashes
# --------------------------------------------------------------------------------------
def _utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _json_default(value):
    """JSON for the values model fields hold (the same text on every database)."""
    if isinstance(value, datetime.datetime):
        return _utc_text(value) if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


# One encoder for every call (json.dumps would build a new one each time: this is the
# verification's inner loop).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=True, separators=(",", ":"),
                              default=_json_default)


def canonical_json(values: dict | list) -> str:
    """One text per content: sorted keys, no spaces, ASCII only."""
    return _CANONICAL.encode(values)


def content_digest(*, kind: str, action: str, occurred_at: datetime.datetime, record_type: str,
                   object_id: str, object_repr: str, actor: str, user_id: int | None,
                   reason: str, source: str, data: str) -> str:
    """SHA-256 of an entry's content (everything but its position and chain hashes)."""
    content = [kind, action, _utc_text(occurred_at), record_type, object_id, object_repr,
               actor, user_id, reason, source, data]
    return hashlib.sha256(canonical_json(content).encode("ascii")).hexdigest()


def entry_digest(seq: int, prev_hash: str, content_hash: str) -> str:
    """SHA-256 binding an entry's content to its position and to the entry before it."""
    return hashlib.sha256(f"{seq}:{prev_hash}:{content_hash}".encode("ascii")).hexdigest()


def _record_types() -> dict[int, str]:
    return {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}


def _record_type(content_type_id: int | None) -> str:
    if content_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached per process
    return f"{content_type.app_label}.{content_type.model}"


# --------------------------------------------------------------------------------------
# Appending
# --------------------------------------------------------------------------------------
@dataclass
class PendingEntry:
    """An entry's content, before the chain gives it a position."""

    kind: str
    action: str
    occurred_at: datetime.datetime
    content_type_id: int | None
    object_id: str
    object_repr: str
    actor: str
    user_id: int | None
    reason: str
    source: str
    data: str

    @property
    def content_hash(self) -> str:
        return content_digest(
            kind=self.kind, action=self.action, occurred_at=self.occurred_at,
            record_type=_record_type(self.content_type_id), object_id=self.object_id,
            object_repr=self.object_repr, actor=self.actor, user_id=self.user_id,
            reason=self.reason, source=self.source, data=self.data)

    def row(self) -> dict:
        return {"kind": self.kind, "action": self.action, "occurred_at": self.occurred_at,
                "content_type_id": self.content_type_id, "object_id": self.object_id,
                "object_repr": self.object_repr, "actor": self.actor, "user_id": self.user_id,
                "reason": self.reason, "source": self.source, "data": self.data}


def entry_from_history(history_instance: models.Model, instance: models.Model | None = None
                       ) -> PendingEntry:
    """The entry for one simple-history row: who, why, and every tracked field's value."""
    history_model = type(history_instance)
    record_model = history_model.instance_type
    values = {f.attname: getattr(history_instance, f.attname)
              for f in history_model.tracked_fields}
    object_id = values.get(record_model._meta.pk.attname)
    actor = getattr(history_instance, "history_actor", "") or describe_actor(
        history_instance.history_user)
    return PendingEntry(
        kind=AuditEventKind.HISTORY,
        action=HISTORY_ACTIONS.get(history_instance.history_type, AuditAction.CHANGED),
        occurred_at=history_instance.history_date,
        content_type_id=ContentType.objects.get_for_model(record_model).pk,
        object_id="" if object_id is None else str(object_id),
        object_repr=_text(instance if instance is not None else history_instance.instance, 300),
        actor=actor[:200],
        user_id=history_instance.history_user_id,
        reason=history_instance.history_change_reason or "",
        source=f"{history_model._meta.label_lower}:{history_instance.pk}",
        data=canonical_json(values),
    )


def entry_from_access_event(event: AccessEvent) -> PendingEntry:
    """The entry for one access event: who read, downloaded, exported or searched what."""
    details = {"path": event.path, "query": event.query, "result_count": event.result_count,
               "client_address": event.client_address, "user_agent": event.user_agent}
    return PendingEntry(
        kind=AuditEventKind.ACCESS, action=event.action, occurred_at=event.occurred_at,
        content_type_id=event.content_type_id, object_id=event.object_id,
        object_repr=event.object_repr, actor=event.actor, user_id=event.user_id, reason="",
        source=f"{AccessEvent._meta.label_lower}:{event.pk}", data=canonical_json(details))


def _text(value, limit: int) -> str:
    try:
        return str(value)[:limit]
    except Exception:  # a __str__ that needs a related row the history does not hold
        return ""


def audit_append(entry: PendingEntry, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Append one entry to the chain, inside the caller's transaction.

    Returns:
        The entry's position (`seq`).
    """
    if connections[using].vendor == "postgresql":
        with transaction.atomic(using=using, savepoint=False):
            seq = _append_postgresql(entry, using)
            if seq is None:  # no head row yet (a new or emptied database)
                _head_create(using)
                seq = _append_postgresql(entry, using)
        return seq
    with transaction.atomic(using=using, savepoint=False):
        seq = _append_plain_sql(entry, using)
        if seq is None:
            _head_create(using)
            seq = _append_plain_sql(entry, using)
    return seq


def _append_postgresql(entry: PendingEntry, using: str) -> int | None:
    head = AuditChainHead._meta.db_table
    table = AuditEvent._meta.db_table
    row = entry.row()
    columns = ", ".join(row)
    placeholders = ", ".join(["%s"] * len(row))
    # In SET every right-hand side reads the row as it was: `seq + 1` is the new position and
    # `entry_hash` the previous entry's hash, exactly as `entry_digest` composes them.
    sql = f"""
        WITH head AS (
            UPDATE {head}
               SET seq = seq + 1,
                   prev_hash = entry_hash,
                   entry_hash = encode(sha256(convert_to(
                       (seq + 1)::text || ':' || entry_hash || ':' || %s, 'UTF8')), 'hex')
             WHERE id = 1
         RETURNING seq, prev_hash, entry_hash)
        INSERT INTO {table} (seq, {columns}, content_hash, prev_hash, entry_hash)
        SELECT head.seq, {placeholders}, %s, head.prev_hash, head.entry_hash FROM head
        RETURNING seq"""
    content_hash = entry.content_hash
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [content_hash, *row.values(), content_hash])
        found = cursor.fetchone()
    return found[0] if found else None


def _append_plain_sql(entry: PendingEntry, using: str) -> int | None:
    """The same append for databases without PostgreSQL's sha256() (SQLite): move the head
    (which takes the write lock), hash here, insert, record the new hash; no ORM overhead."""
    connection = connections[using]
    head = AuditChainHead._meta.db_table
    row = entry.row()
    row["occurred_at"] = connection.ops.adapt_datetimefield_value(entry.occurred_at)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {head} SET seq = seq + 1 WHERE id = 1 RETURNING seq, entry_hash")
        found = cursor.fetchone()
        if found is None:
            return None
        seq, previous = found
        content_hash = entry.content_hash
        entry_hash = entry_digest(seq, previous, content_hash)
        columns = ", ".join(["seq", *row, "content_hash", "prev_hash", "entry_hash"])
        values = [seq, *row.values(), content_hash, previous, entry_hash]
        cursor.execute(f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) "
                       f"VALUES ({', '.join(['%s'] * len(values))})", values)
        cursor.execute(f"UPDATE {head} SET prev_hash = %s, entry_hash = %s WHERE id = 1",
                       [previous, entry_hash])
    return seq


def audit_append_many(entries: Iterable[PendingEntry], *, using: str = DEFAULT_DB_ALIAS
                      ) -> list[int]:
    """Append entries in the given order, inside the caller's transaction (one lock, one
    bulk insert). Returns their positions."""
    entries = list(entries)
    if not entries:
        return []
    with transaction.atomic(using=using, savepoint=False):
        head = AuditChainHead.objects.using(using).select_for_update().filter(pk=1).first()
        if head is None:
            _head_create(using)
            head = AuditChainHead.objects.using(using).select_for_update().get(pk=1)
        seq, previous = head.seq, head.entry_hash
        rows = []
        for entry in entries:
            seq += 1
            content_hash = entry.content_hash
            entry_hash = entry_digest(seq, previous, content_hash)
            rows.append(AuditEvent(seq=seq, content_hash=content_hash, prev_hash=previous,
                                   entry_hash=entry_hash, **entry.row()))
            head.prev_hash, previous = previous, entry_hash
        AuditEvent.objects.using(using).bulk_create(rows)
        head.seq, head.entry_hash = seq, previous
        head.save(using=using, update_fields=["seq", "prev_hash", "entry_hash"])
    return [row.seq for row in rows]


def _head_create(using: str) -> None:
    """The head row, continuing from the last entry if there is one."""
    last = AuditEvent.objects.using(using).order_by("-seq").only(
        "seq", "prev_hash", "entry_hash").first()
    head = AuditChainHead(pk=1)
    if last is not None:
        head.seq, head.prev_hash, head.entry_hash = last.seq, last.prev_hash, last.entry_hash
    AuditChainHead.objects.using(using).bulk_create([head], ignore_conflicts=True)


# --------------------------------------------------------------------------------------
# Receivers: simple-history rows and access events enter the chain
# --------------------------------------------------------------------------------------
def _history_row_created(sender, instance, history_instance, using=None, **kwargs) -> None:
    audit_append(entry_from_history(history_instance, instance),
                 using=using or history_instance._state.db or DEFAULT_DB_ALIAS)


def _access_event_saved(sender, instance: AccessEvent, created: bool, using=None, **kwargs) -> None:
    if created:
        audit_append(entry_from_access_event(instance), using=using or DEFAULT_DB_ALIAS)


def connect() -> None:
    """Chain every history row and access event from now on (called by the core's ready())."""
    from django.db.models.signals import post_save
    from simple_history.signals import post_create_historical_record

    post_create_historical_record.connect(_history_row_created,
                                          dispatch_uid="custodia-audit-chain-history")
    post_save.connect(_access_event_saved, sender=AccessEvent,
                      dispatch_uid="custodia-audit-chain-access")


def audit_append_history_rows(history_model: type[models.Model], pks: list[int], *,
                              using: str = DEFAULT_DB_ALIAS) -> None:
    """Chain history rows written in bulk (simple-history's bulk helpers send no signal)."""
    rows = history_model.objects.using(using).filter(pk__in=pks).order_by("pk")
    audit_append_many([entry_from_history(row) for row in rows], using=using)


# --------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------
def _checkpoint_key() -> bytes:
    configured = settings.CUSTODIA_AUDIT_CHECKPOINT_KEY
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"custodia.audit-checkpoint",
                    hashlib.sha256).digest()


def checkpoint_signature(seq: int, entry_hash: str, created_at: datetime.datetime) -> str:
    """HMAC-SHA256 over a checkpoint's position, hash and time."""
    message = f"{seq}:{entry_hash}:{_utc_text(created_at)}".encode("ascii")
    return hmac.new(_checkpoint_key(), message, hashlib.sha256).hexdigest()


def audit_checkpoint_create() -> AuditCheckpoint | None:
    """Sign the chain's last committed entry; nothing when it is already signed or empty."""
    last = AuditEvent.objects.order_by("-seq").only("seq", "entry_hash").first()
    if last is None:
        return None
    newest = AuditCheckpoint.objects.order_by("-seq").first()
    if newest is not None and newest.seq >= last.seq:
        return None
    now = timezone.now()
    checkpoint = AuditCheckpoint(seq=last.seq, entry_hash=last.entry_hash, created_at=now,
                                 signature=checkpoint_signature(last.seq, last.entry_hash, now))
    checkpoint.save()
    return checkpoint


# --------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------
@dataclass
class ChainReport:
    """What a verification found: intact, or the first broken entry and why."""

    intact: bool = True
    entries_checked: int = 0
    last_seq: int = 0
    checkpoint_seq: int | None = None
    broken_seq: int | None = None
    problem: str = ""

    def fail(self, seq: int | None, problem: str) -> ChainReport:
        self.intact, self.broken_seq, self.problem = False, seq, problem
        return self


VERIFY_FIELDS = ("seq", "kind", "action", "occurred_at", "content_type_id", "object_id",
                 "object_repr", "actor", "user_id", "reason", "source", "data",
                 "content_hash", "prev_hash", "entry_hash")


def audit_chain_verify(*, chunk_size: int = 5000,
                       progress: Callable[[int, str], None] | None = None) -> ChainReport:
    """Check every entry in order, then the checkpoints and the head, streaming the table in
    chunks of `chunk_size` rows (memory stays flat however long the chain is).

    Returns:
        A `ChainReport` naming the first broken entry, if any.
    """
    report = ChainReport()
    record_types = _record_types()
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "id"))
    for checkpoint in checkpoints:
        if not hmac.compare_digest(checkpoint.signature, checkpoint_signature(
                checkpoint.seq, checkpoint.entry_hash, checkpoint.created_at)):
            return report.fail(checkpoint.seq, f"The checkpoint at entry #{checkpoint.seq} "
                                               "does not carry a valid signature: it was forged or altered.")
    pending = iter(checkpoints)
    next_checkpoint = next(pending, None)
    # The head as committed now: every entry up to it must exist and end in its hash.
    # Entries appended while the walk runs are checked too.
    head = AuditChainHead.objects.filter(pk=1).first()
    total = max(head.seq if head else 0, 1)
    previous, expected = GENESIS_HASH, 1
    while True:
        rows = list(AuditEvent.objects.filter(seq__gte=expected).order_by("seq")
                    .values_list(*VERIFY_FIELDS)[:chunk_size])
        if not rows:
            break
        for row in rows:
            values = dict(zip(VERIFY_FIELDS, row, strict=True))
            problem = _entry_problem(values, expected, previous, record_types)
            if problem:
                return report.fail(expected, problem)
            seq = values["seq"]
            if head is not None and seq == head.seq and values["entry_hash"] != head.entry_hash:
                return report.fail(seq, f"Entry #{seq} was replaced: the chain's head records "
                                        "another hash for it.")
            while next_checkpoint is not None and next_checkpoint.seq <= seq:
                if next_checkpoint.entry_hash != values["entry_hash"]:
                    return report.fail(next_checkpoint.seq, _checkpoint_mismatch(next_checkpoint))
                report.checkpoint_seq = next_checkpoint.seq
                next_checkpoint = next(pending, None)
            previous, expected = values["entry_hash"], seq + 1
            report.entries_checked += 1
            report.last_seq = seq
        if progress is not None:
            progress(min(99, int(100 * report.last_seq / total)),
                     f"checked up to entry #{report.last_seq}")
    last_seq = report.last_seq
    if next_checkpoint is not None:
        return report.fail(last_seq + 1, (
            f"The chain ends at entry #{last_seq}, but the checkpoint signed "
            f"{_utc_text(next_checkpoint.created_at)} vouches for entry #{next_checkpoint.seq}: "
            f"entries #{last_seq + 1} to #{next_checkpoint.seq} were removed."))
    if head is not None and head.seq > last_seq:
        return report.fail(last_seq + 1, (
            f"The chain ends at entry #{last_seq}, but its head records entry #{head.seq}: "
            f"entries #{last_seq + 1} to #{head.seq} were removed."))
    head_now = AuditChainHead.objects.filter(pk=1).first()
    if head_now is not None and head_now.seq < last_seq:
        return report.fail(head_now.seq + 1, (
            f"Entries #{head_now.seq + 1} to #{last_seq} were written around the audit log: "
            f"its head records entry #{head_now.seq} as the last."))
    return report


def _entry_problem(values: dict, expected: int, previous: str, record_types: dict) -> str:
    seq = values["seq"]
    if seq != expected:
        return (f"Entry #{expected} is missing (the chain jumps to #{seq}): "
                "entries were removed or renumbered.")
    computed = content_digest(
        kind=values["kind"], action=values["action"], occurred_at=values["occurred_at"],
        record_type=record_types.get(values["content_type_id"], "")
        if values["content_type_id"] is not None else "",
        object_id=values["object_id"], object_repr=values["object_repr"], actor=values["actor"],
        user_id=values["user_id"], reason=values["reason"], source=values["source"],
        data=values["data"])
    if computed != values["content_hash"]:
        return f"Entry #{seq} was altered: its content does not match its hash."
    if values["prev_hash"] != previous:
        return (f"Entry #{seq} does not follow entry #{seq - 1}: entries were reordered, "
                "inserted or replaced here.")
    if entry_digest(seq, values["prev_hash"], computed) != values["entry_hash"]:
        return f"Entry #{seq} was altered: its chain hash does not match its position."
    return ""


def _checkpoint_mismatch(checkpoint: AuditCheckpoint) -> str:
    return (f"Entry #{checkpoint.seq} is not the entry the checkpoint signed "
            f"{_utc_text(checkpoint.created_at)} vouches for: the chain was rewritten up to there.")


def audit_verification_record(*, report: ChainReport, started_at: datetime.datetime,
                              actor: str = "") -> AuditVerification:
    """Keep a verification's outcome: the dashboards alert on the newest broken one."""
    return AuditVerification.objects.create(
        started_at=started_at, finished_at=timezone.now(), intact=report.intact,
        entries_checked=report.entries_checked, last_seq=report.last_seq,
        checkpoint_seq=report.checkpoint_seq, broken_seq=report.broken_seq,
        problem=report.problem, actor=actor or describe_actor())


def audit_chain_status() -> AuditVerification | None:
    """The newest verification, or None before the first one."""
    return AuditVerification.objects.order_by("-started_at", "-id").first()
