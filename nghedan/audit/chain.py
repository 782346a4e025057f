"""The audit chain: how an entry is sealed, written and verified."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

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


# Counting up the head first takes the write lock (PostgreSQL row lock, SQLite write lock),
# so two writers can never both extend the same tip; RETURNING reads the tip in that statement.
ADVANCE_HEAD = (
    'UPDATE "audit_audithead" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "seq", "digest"'
)


def advance_head() -> tuple[int, str]:
    """The new entry's number and the digest it follows; the head row is made on first use."""
    with connection.cursor() as cursor:
        cursor.execute(ADVANCE_HEAD)
        row = cursor.fetchone()
        if row is None:  # the very first entry of a new database
            AuditHead.objects.get_or_create(pk=1)
            cursor.execute(ADVANCE_HEAD)
            row = cursor.fetchone()
    return int(row[0]), row[1]


def record(actor, action: str, target: models.Model | tuple[str, str], **data) -> AuditEntry:
    """Append one entry. Call inside the action's transaction: if the action rolls back, so does
    its entry. Three statements: the head counted up, the entry, the head's new digest."""
    target_type, target_id = target_of(target)
    # No savepoint of its own: a failure here must fail the whole action anyway.
    with transaction.atomic(savepoint=False):
        seq, previous_digest = advance_head()
        signed_in = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            seq=seq,
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
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(digest=entry.digest)
    return entry


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


def verify(entries: Iterator[AuditEntry] | None = None) -> list[Break]:
    """Walk the whole chain and return every place it is broken (empty when intact)."""
    breaks: list[Break] = []
    expected_seq, previous = 1, GENESIS
    rows = entries if entries is not None else AuditEntry.objects.order_by("seq").iterator(2000)
    for entry in rows:
        if entry.seq != expected_seq:
            breaks.append(
                Break(expected_seq, f"thiếu mục {expected_seq}–{entry.seq - 1} (đã bị xóa?)")
                if entry.seq > expected_seq
                else Break(entry.seq, "số thứ tự lặp lại (mục chèn thêm?)")
            )
        if entry.previous_digest != previous:
            breaks.append(
                Break(entry.seq, "không nối với mục trước (chèn, xóa hoặc sửa mục trước)")
            )
        if not hmac.compare_digest(seal(entry), entry.digest):
            breaks.append(Break(entry.seq, "nội dung đã bị sửa sau khi ghi"))
        expected_seq, previous = entry.seq + 1, entry.digest
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.digest != previous):
        breaks.append(
            Break(expected_seq - 1, "đầu chuỗi không khớp: các mục cuối đã bị xóa hoặc thêm")
        )
    return breaks
