"""The audit chain: how an entry is sealed, written and verified."""

import functools
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from nghedan.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def seal(entry: AuditEntry) -> str:
    body = json.dumps(
        [
            entry.seq,
            entry.at.isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.data,
            entry.previous_digest,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hmac.new(settings.AUDIT_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()


def target_of(target: models.Model | tuple[str, str]) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    return target


# The log is a few chains ("lanes"), each with its head row, so that concurrent actions need
# not queue one behind another until each commits. Counting up a lane's head takes its write
# lock (PostgreSQL row lock, SQLite write lock), so two writers can never both extend the same
# tip; RETURNING reads the tip in that statement. `seq` orders the whole log.
LANES = 8

# SQLite lets one writer in at a time: one lane, whose head counts the entries.
NEXT_IN_FIRST_LANE = (
    'UPDATE "audit_audithead" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "id", "seq", "digest"'
)
# PostgreSQL: the first lane that no other transaction holds (its own, if it holds one),
# numbered from a sequence (migration 0003); when every lane is held, it waits for the first.
NEXT_IN_FREE_LANE = (
    'UPDATE "audit_audithead" SET "seq" = nextval(\'audit_entry_seq\') WHERE "id" = ('
    'SELECT "id" FROM "audit_audithead" ORDER BY "id" LIMIT 1 FOR UPDATE SKIP LOCKED'
    ') RETURNING "id", "seq", "digest"'
)
NEXT_IN_LANE_ONE_WAITING = (
    'UPDATE "audit_audithead" SET "seq" = nextval(\'audit_entry_seq\') WHERE "id" = 1 '
    'RETURNING "id", "seq", "digest"'
)


def _next_in_a_lane(cursor) -> tuple[int, int, str] | None:
    if connection.vendor != "postgresql":
        cursor.execute(NEXT_IN_FIRST_LANE)
        return cursor.fetchone()
    cursor.execute(NEXT_IN_FREE_LANE)
    row = cursor.fetchone()
    if row is None:  # every lane is held by another transaction (or none is made yet)
        cursor.execute(NEXT_IN_LANE_ONE_WAITING)
        row = cursor.fetchone()
    return row


def advance_head() -> tuple[int, int, str]:
    """The new entry's lane and number, and the digest it follows in that lane; the lanes'
    heads are made on first use."""
    with connection.cursor() as cursor:
        row = _next_in_a_lane(cursor)
        if row is None:  # the very first entry of a new database
            AuditHead.objects.bulk_create(
                [AuditHead(pk=lane) for lane in range(1, LANES + 1)], ignore_conflicts=True
            )
            row = _next_in_a_lane(cursor)
    assert row is not None  # the lanes' heads exist now
    return int(row[0]), int(row[1]), row[2]


def record(actor, action: str, target: models.Model | tuple[str, str], **data) -> AuditEntry:
    """Append one entry. Call inside the action's transaction: if the action rolls back, so does
    its entry. Two statements on PostgreSQL (the lane's head counted up; the entry written and
    the head's digest moved to it), three on SQLite."""
    target_type, target_id = target_of(target)
    # No savepoint of its own: a failure here must fail the whole action anyway.
    with transaction.atomic(savepoint=False):
        lane, seq, previous_digest = advance_head()
        signed_in = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            seq=seq,
            lane=lane,
            at=timezone.now(),
            actor=actor if signed_in else None,
            actor_label=str(actor.get_username()) if signed_in else (str(actor or "hệ thống")),
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=json.loads(json.dumps(data, default=str)),
            previous_digest=previous_digest,
        )
        entry.digest = seal(entry)
        _write(entry)
    return entry


MOVE_HEAD = 'UPDATE "audit_audithead" SET "digest" = %s WHERE "id" = %s'


@functools.cache
def _insert_entry(vendor: str) -> tuple[str, tuple[models.Field, ...]]:
    """The INSERT of one entry, built once from the model's columns; on PostgreSQL it also
    moves the lane's head to the entry, in the same statement."""
    quote = connection.ops.quote_name
    fields = tuple(f for f in AuditEntry._meta.concrete_fields if not f.primary_key)
    # Only quoted names and placeholders are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote('id')}"
    )
    if vendor == "postgresql":
        sql = f'WITH "moved" AS ({MOVE_HEAD}) {sql}'
    return sql, fields


def _write(entry: AuditEntry) -> None:
    """Insert the sealed entry and make it its lane's head, without the ORM's save: this runs
    in every action."""
    sql, fields = _insert_entry(connection.vendor)
    values: list[Any] = [
        field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields
    ]
    head: list[Any] = [entry.digest, entry.lane]
    moves_head = connection.vendor == "postgresql"  # the head moves inside the INSERT
    with connection.cursor() as cursor:
        cursor.execute(sql, head + values if moves_head else values)
        entry.pk = cursor.fetchone()[0]
        if not moves_head:
            cursor.execute(MOVE_HEAD, head)
    entry._state.adding, entry._state.db = False, connection.alias


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


HEAD_MISMATCH = "đầu chuỗi không khớp: các mục cuối đã bị xóa hoặc thêm"


def verify(entries: Iterator[AuditEntry] | None = None) -> list[Break]:
    """Walk the whole log and return every place a lane's chain is broken (empty when
    intact). Entries come in `seq` order; each must follow the last one of its lane."""
    breaks: list[Break] = []
    tips: dict[int, tuple[int, str]] = {}  # lane → its last entry's number and digest
    rows = entries if entries is not None else AuditEntry.objects.order_by("seq").iterator(2000)
    for entry in rows:
        if entry.previous_digest != tips.get(entry.lane, (0, GENESIS))[1]:
            breaks.append(
                Break(entry.seq, "không nối với mục trước nó (một mục đã bị xóa, chèn hoặc sửa)")
            )
        if not hmac.compare_digest(seal(entry), entry.digest):
            breaks.append(Break(entry.seq, "nội dung đã bị sửa sau khi ghi"))
        tips[entry.lane] = (entry.seq, entry.digest)
    for head in AuditHead.objects.order_by("pk"):
        tip = tips.pop(head.pk, (0, GENESIS))
        if (head.seq, head.digest) != tip:
            breaks.append(Break(max(tip[0], head.seq), HEAD_MISMATCH))
    breaks += [Break(seq, HEAD_MISMATCH) for seq, _ in tips.values()]
    return breaks
