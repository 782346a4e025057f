"""A copy, kept in each process, of tables that change a few times a year (routing rules,
deadline rules, the calendar's changes), so a request reads them without a query.

How a change reaches every process, however many web processes and machines there are:

1. Whatever changes one of those tables calls `changed(name)` (the apps connect it to their
   models' post_save and post_delete signals, and to post_migrate). That raises the row
   `name` of `shell_sharedversion` by one, in the same transaction as the change, and the
   process that made the change drops its own copy as soon as the transaction commits.
2. Every other process reads that row at most once every `CHECK_SECONDS` (2 s) and reloads
   its copy when the number differs from the one its copy was loaded under. A change is
   therefore seen everywhere within about 2 seconds of its commit, at the cost of one
   one-row query per process every 2 seconds instead of several queries per request.
3. A copy is reloaded after `RELOAD_SECONDS` (10 minutes) in any case, for a change made
   outside the application (an operator's SQL).

A transaction that changed the tables and has not committed yet reads them from the
database directly and never shares what it read: other requests cannot see that change
yet, and it may still be rolled back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import connection, transaction

from nghedan.shell.models import SharedVersion

T = TypeVar("T")

CHECK_SECONDS = 2.0
RELOAD_SECONDS = 600.0

# The table of nghedan.shell.models.SharedVersion; the same SQL on PostgreSQL and SQLite.
RAISE_VERSION = (
    'INSERT INTO "shell_sharedversion" ("name", "version") VALUES (%s, 1) '
    'ON CONFLICT ("name") DO UPDATE SET "version" = "shell_sharedversion"."version" + 1'
)

_caches: dict[str, list[ProcessCache]] = {}


@dataclass(frozen=True)
class _Copy(Generic[T]):
    version: int
    checked: float
    loaded: float
    value: T


class _DropOnCommit:
    """Registered with on_commit by a change: until it has run, the change belongs to its
    transaction alone."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.done = False

    def __call__(self) -> None:
        self.done = True
        forget(self.name)


def current_version(name: str) -> int:
    row = SharedVersion.objects.filter(name=name).values_list("version", flat=True).first()
    return row or 0


def _change_pending(name: str) -> bool:
    """True inside a transaction that changed the tables of `name` and has not committed."""
    if not connection.in_atomic_block:
        return False
    pending = getattr(connection, "run_on_commit", ())
    return any(
        isinstance(entry[1], _DropOnCommit) and entry[1].name == name and not entry[1].done
        for entry in pending
    )


class ProcessCache(Generic[T]):
    """`load()`'s result, kept for the process and reloaded when the version `name` moves."""

    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.name = name
        self.load = load
        self._copy: _Copy[T] | None = None  # replaced whole, never changed: threads share it
        _caches.setdefault(name, []).append(self)

    def get(self) -> T:
        if _change_pending(self.name):  # its own change first; the copy is everyone's
            return self.load()
        now = time.monotonic()
        copy = self._copy
        if copy is not None and now - copy.checked < CHECK_SECONDS:
            return copy.value
        return self._refresh(copy, now)

    def _refresh(self, copy: _Copy[T] | None, now: float) -> T:
        version = current_version(self.name)  # read before the tables: never older than them
        if copy is not None and copy.version == version and now - copy.loaded < RELOAD_SECONDS:
            self._copy = _Copy(version, now, copy.loaded, copy.value)
            return copy.value
        value = self.load()
        self._copy = _Copy(version, now, now, value)
        return value

    def forget(self) -> None:
        self._copy = None


def forget(name: str) -> None:
    """Drop this process's copies of `name`; the next read loads them again."""
    for cache in _caches.get(name, []):
        cache.forget()


def changed(name: str) -> None:
    """Say that the tables of `name` changed: every process reloads its copy (module doc)."""
    with connection.cursor() as cursor:
        cursor.execute(RAISE_VERSION, [name])
    forget(name)
    if connection.in_atomic_block:
        transaction.on_commit(_DropOnCommit(name))
