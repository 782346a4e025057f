"""Counting requests per key in fixed windows, shared by every web process through one table.

Each attempt is one upsert on `shell_ratecounter` (PostgreSQL, and SQLite 3.35 or later):
the row for the key's current window is created at 1 or counted up, and the statement
returns the new count, so two processes can never both read the same count. Rows of windows
that have passed are deleted by the sweep (`manage.py sweep_tasks`); nothing else ever
removes a live counter, whatever the number of keys.

Blocked attempts are counted too (`blocked_total`), so an operator can see them.
"""

import hashlib
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from django.db import connection
from django.db.models import F
from django.utils import timezone

from nghedan.shell.models import RateCounter

BUCKET_LENGTH = RateCounter._meta.get_field("bucket").max_length or 250


def _bucket(scope: str, key: str, window: int) -> tuple[str, datetime]:
    """The counter's name for the current window, and when that window ends."""
    index = int(time.time() // window)
    name = f"rl:{scope}:{window}:{index}:{key}"
    if len(name) > BUCKET_LENGTH:  # a key this long is hashed rather than cut short
        name = f"rl:{scope}:{window}:{index}:#{hashlib.sha256(key.encode()).hexdigest()}"
    return name, datetime.fromtimestamp((index + 1) * window, tz=UTC)


# The table of nghedan.shell.models.RateCounter; the same SQL on PostgreSQL and SQLite.
COUNT_UP = (
    'INSERT INTO "shell_ratecounter" ("bucket", "count", "expires") VALUES {rows} '
    'ON CONFLICT ("bucket") DO UPDATE SET "count" = "shell_ratecounter"."count" + 1 '
    'RETURNING "bucket", "count"'
)


def count_up(buckets: Mapping[str, datetime | None]) -> dict[str, int]:
    """Add one to each bucket (made at 1 if missing) and return their new values, in one
    statement."""
    params: list = []
    for bucket, expires in buckets.items():
        params += [bucket, connection.ops.adapt_datetimefield_value(expires) if expires else None]
    sql = COUNT_UP.format(rows=", ".join(["(%s, 1, %s)"] * len(buckets)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {bucket: int(count) for bucket, count in cursor.fetchall()}


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """True while `key` has made at most `limit` attempts in the current window of `window` s."""
    return allow_all(scope, [key], limit=limit, window=window)


def allow_all(scope: str, keys: list[str], *, limit: int, window: int) -> bool:
    """`allow` for several keys of one attempt (a phone and an e-mail), counted together in one
    statement: True while none of them is over `limit`."""
    buckets: dict[str, datetime | None] = dict(
        _bucket(scope, key, window) for key in dict.fromkeys(keys)
    )
    if not buckets:
        return True
    if max(count_up(buckets).values()) > limit:
        count_up({_blocked_bucket(scope): None})
        return False
    return True


def give_back(scope: str, keys: list[str], *, window: int) -> None:
    """Take back the attempt counted for `keys` in the current window: what a person sent was
    refused and made nothing, so it does not count against them."""
    buckets = [_bucket(scope, key, window)[0] for key in dict.fromkeys(keys)]
    if buckets:
        RateCounter.objects.filter(bucket__in=buckets, count__gt=0).update(count=F("count") - 1)


def _blocked_bucket(scope: str) -> str:
    return f"rl-blocked:{scope}"


def blocked_total(scope: str) -> int:
    """Attempts refused in `scope` since the counters began."""
    row = RateCounter.objects.filter(bucket=_blocked_bucket(scope)).values_list("count").first()
    return row[0] if row else 0


def purge_expired() -> int:
    """Delete the counters of windows that have passed; the sweep's job. Returns how many."""
    deleted, _ = RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return deleted
