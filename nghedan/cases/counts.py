"""Counts of cases kept per organization and day, so the dashboard never counts every case.

Each case adds to a few counters of the organization that holds it, on the day it was received:
one for being received, one each for its channel, category, kind and status, one if it is
finished and a deadline was met late, and its rating if it has one. Whatever changes one of
those (intake, a status change, a deadline met or reopened, a rating, a new receipt date)
takes the case's standing before and after, inside the same transaction, and adds the
difference (`record_change`). Every counter is written twice: on its day and on its month,
so a 365-day period reads about eleven month rows and a few weeks of day rows per
organization and counter.

Whether an open case is overdue changes with the passing of days, not with any action: that
part of the figures is read live from `Case.open_due` (see `stats`).

A counter may be split over a few shard rows (`CaseCount.shard`): each connection writes to
its own, so that concurrent intakes to one organization do not queue for one row until each
commits. Readers add the shards up; the nightly sweeper folds them back into shard 0.

`rebuild` recounts an organization's rows from its cases; `check` compares and, asked to,
repairs (manage.py rebuild_case_counts; the nightly sweeper "cases.counts").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from nghedan.cases.models import Case, CaseCount, CaseDeadline

Status = Case.Status
Span = CaseCount.Span
FINISHED = (Status.RESOLVED, Status.CLOSED, Status.REFUSED, Status.FORWARDED)
OPEN = (Status.RECEIVED, Status.CLASSIFIED, Status.ACCEPTED, Status.VERIFYING)
SATISFIED_FROM = 4  # a score of 4 or 5 of 5

# (organization id, day, dimension, value) → how much to add
Key = tuple[int, date, str, str]


@dataclass(frozen=True)
class Standing:
    """What the counters see of one case."""

    organization_id: int
    day: date
    channel: str
    category_id: int
    kind: str
    status: str
    late: bool
    score: int | None
    rating_resolved: bool | None

    def counters(self) -> Counter[tuple[str, str]]:
        counted: Counter[tuple[str, str]] = Counter(
            {
                ("received", ""): 1,
                ("channel", self.channel): 1,
                ("category", str(self.category_id)): 1,
                ("kind", self.kind): 1,
                ("status", self.status): 1,
            }
        )
        if self.status in FINISHED and self.late:
            counted[("finished_late", "")] += 1
        if self.score is not None:
            counted[("rated", "")] += 1
            counted[("score", "")] += self.score
            counted[("satisfied", "")] += int(self.score >= SATISFIED_FROM)
            counted[("rating_resolved", "")] += int(bool(self.rating_resolved))
        return counted


def _late(case_ref: Any, deadlines: Any = CaseDeadline) -> Exists:
    return Exists(deadlines.objects.filter(case=case_ref, met_on__gt=F("due_on")))


def standing_of(case_pk: int, lock: bool = False) -> Standing | None:
    """The case's standing as the database has it now; with `lock`, its row is locked until
    the transaction ends (PostgreSQL), so that the change made next starts from it."""
    cases = Case.objects.filter(pk=case_pk)
    if lock:
        cases = cases.select_for_update(of=("self",))
    row = cases.values(
        "organization_id", "received_at", "channel", "category_id", "kind", "status",
        late=_late(OuterRef("pk")), score=F("rating__score"),
        rating_resolved=F("rating__resolved"),
    ).first()  # fmt: skip
    if row is None:
        return None
    return Standing(
        organization_id=row["organization_id"], day=timezone.localdate(row["received_at"]),
        channel=row["channel"], category_id=row["category_id"], kind=row["kind"],
        status=row["status"], late=row["late"], score=row["score"],
        rating_resolved=row["rating_resolved"],
    )  # fmt: skip


def standing_of_new(case: Case) -> Standing:
    """A case just made, from memory: no deadline met yet, no rating."""
    return Standing(
        organization_id=case.organization_id, day=timezone.localdate(case.received_at),
        channel=case.channel, category_id=case.category_id, kind=case.kind,
        status=case.status, late=False, score=None, rating_resolved=None,
    )  # fmt: skip


def record_change(before: Standing | None, after: Standing | None) -> None:
    """Add the difference between two standings of a case (None: the case did not exist)."""
    delta: Counter[Key] = Counter()
    if before is not None:
        for (dimension, value), amount in before.counters().items():
            delta[(before.organization_id, before.day, dimension, value)] -= amount
    if after is not None:
        for (dimension, value), amount in after.counters().items():
            delta[(after.organization_id, after.day, dimension, value)] += amount
    add(delta)


@contextmanager
def tracking(case_pk: int, lock: bool = False) -> Iterator[None]:
    """Record whatever the enclosed block changes of the case's standing."""
    before = standing_of(case_pk, lock=lock)
    yield
    record_change(before, standing_of(case_pk))


def month_of(day: date) -> date:
    return day.replace(day=1)


# A counter's rows: (organization id, span, day, dimension, value) → amount
Row = tuple[int, str, date, str, str]
SHARDS = 8
UPSERT_SLICE = 4_000  # rows per SQLite statement: 7 parameters each, under its 32,766


def writing_shard() -> int:
    """The shard this connection writes to. On PostgreSQL each connection has its own server
    process, so concurrent intakes to one organization rarely share a row; SQLite lets one
    writer in at a time, so there one shard is all it needs."""
    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    return connection.connection.info.backend_pid % SHARDS


def add(delta: Counter[Key]) -> None:
    """One upsert for the day and month rows of every counter that moved."""
    rows: Counter[Row] = Counter()
    for (organization_id, day, dimension, value), amount in delta.items():
        if amount:
            rows[(organization_id, Span.DAY, day, dimension, value)] += amount
            rows[(organization_id, Span.MONTH, month_of(day), dimension, value)] += amount
    _upsert(rows, writing_shard())


def _upsert(rows: Counter[Row], shard: int) -> None:
    """Add the amounts to their rows of `shard`. Rows are written in key order, so that two
    transactions touching the same rows cannot deadlock on them."""
    moved = sorted((key, amount) for key, amount in rows.items() if amount)
    if connection.vendor == "postgresql":
        _upsert_arrays(moved, shard)
    else:
        for start in range(0, len(moved), UPSERT_SLICE):
            _upsert_values(moved[start : start + UPSERT_SLICE], shard)


def _upsert_sql(rows: str) -> str:
    """The upsert of `rows` (a VALUES list or a SELECT) into the counters. ON CONFLICT … DO
    UPDATE: PostgreSQL, and SQLite from 3.24. Only the table's quoted name and placeholders
    are formatted in; every value is a parameter."""
    table = connection.ops.quote_name(CaseCount._meta.db_table)
    return (
        f"INSERT INTO {table} "  # noqa: S608
        f"(organization_id, span, day, dimension, value, shard, count) {rows} "
        "ON CONFLICT (organization_id, span, day, dimension, value, shard) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )


def _upsert_arrays(moved: list[tuple[Row, int]], shard: int) -> None:
    """PostgreSQL: one array per column, so the statement's text and its seven parameters are
    the same however many rows moved, and the driver prepares it once per connection."""
    if not moved:
        return
    rows = (
        "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::date[], %s::varchar[], "
        "%s::varchar[], %s::smallint[], %s::integer[])"
    )
    keys = [key for key, _ in moved]
    organizations, spans, days, dimensions, values = (list(c) for c in zip(*keys, strict=True))
    params = [
        organizations,
        [str(span) for span in spans],  # the choice's value, not the enum
        days,
        dimensions,
        values,
        [shard] * len(moved),
        [amount for _, amount in moved],
    ]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(rows), params)


def _upsert_values(moved: list[tuple[Row, int]], shard: int) -> None:
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(moved))
    params: list[Any] = []
    for (organization_id, span, day, dimension, value), amount in moved:
        params += [organization_id, str(span), day, dimension, value, shard, amount]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(f"VALUES {placeholders}"), params)


def fold_shards() -> int:
    """Add every counter's other shards into its shard 0 row, so that reads sum fewer rows;
    returns how many rows were folded. Intake waits meanwhile (see `_lock_counts`)."""
    with transaction.atomic():
        _lock_counts(Models())
        split = CaseCount.objects.exclude(shard=0)
        totals: Counter[Row] = Counter()
        for organization_id, span, day, dimension, value, amount in split.values_list(
            "organization_id", "span", "day", "dimension", "value", "count"
        ).iterator(5000):
            totals[(organization_id, span, day, dimension, value)] += amount
        folded, _ = split.delete()
        _upsert(totals, shard=0)
    return folded


# Reading


def period_start(today: date, days: int) -> date:
    """The first day of a period of `days` days that ends today."""
    return date.fromordinal(today.toordinal() - days + 1)


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_rows(first_day: date) -> Q:
    """The rows that together count the cases received from `first_day` on: the day rows up
    to the end of its month, then month rows (none is received after today)."""
    if first_day.day == 1:
        return Q(span=Span.MONTH, day__gte=first_day)
    following = _next_month(first_day)
    return Q(span=Span.DAY, day__gte=first_day, day__lt=following) | Q(
        span=Span.MONTH, day__gte=following
    )


@dataclass(frozen=True)
class Figures:
    """Counters summed over some organizations: for the period, and (statuses) for all time."""

    period: Counter[tuple[str, str]]
    all_time_status: Counter[str]

    def total(self, dimension: str) -> int:
        return self.period[(dimension, "")]

    def by(self, dimension: str) -> dict[str, int]:
        return {
            value: amount
            for (name, value), amount in self.period.items()
            if name == dimension and amount
        }


def read(organizations: Any, first_day: date) -> Figures:
    """One query: the period's counters and every status count of all time."""
    in_period = period_rows(first_day)
    all_time = Q(span=Span.MONTH, dimension="status")
    rows = (
        CaseCount.objects.filter(organization__in=organizations)
        .filter(in_period | all_time)
        .values("dimension", "value")
        .annotate(
            period=Sum("count", filter=in_period, default=0),
            all_time=Sum("count", filter=all_time, default=0),
        )
        .order_by()
    )
    period: Counter[tuple[str, str]] = Counter()
    statuses: Counter[str] = Counter()
    for row in rows:
        period[(row["dimension"], row["value"])] += row["period"]
        if row["dimension"] == "status":
            statuses[row["value"]] += row["all_time"]
    return Figures(period, statuses)


# Recounting


@dataclass(frozen=True)
class Models:
    """The tables recounting reads and writes (a data migration passes its historical ones)."""

    case: Any = Case
    deadline: Any = CaseDeadline
    count: Any = CaseCount


def expected_rows(organization_id: int, models: Models = Models()) -> Counter[tuple]:
    """An organization's counters recounted from its cases: {(span, day, dimension, value): n}."""
    tz = timezone.get_current_timezone()
    groups = (
        models.case.objects.filter(organization_id=organization_id)
        .annotate(received_on=TruncDate("received_at", tzinfo=tz))
        .values("received_on", "channel", "category_id", "kind", "status")
        .annotate(
            cases=Count("pk"),
            late=Count("pk", filter=Q(_late(OuterRef("pk"), models.deadline))),
            rated=Count("rating"),
            score=Sum("rating__score", default=0),
            satisfied=Count("rating", filter=Q(rating__score__gte=SATISFIED_FROM)),
            rating_resolved=Count("rating", filter=Q(rating__resolved=True)),
        )
        .order_by()
    )
    rows: Counter[tuple] = Counter()
    for group in groups:
        day = group["received_on"]
        found: Counter[tuple[str, str]] = Counter(
            {
                ("received", ""): group["cases"],
                ("channel", group["channel"]): group["cases"],
                ("category", str(group["category_id"])): group["cases"],
                ("kind", group["kind"]): group["cases"],
                ("status", group["status"]): group["cases"],
                ("finished_late", ""): group["late"] if group["status"] in FINISHED else 0,
                ("rated", ""): group["rated"],
                ("score", ""): group["score"],
                ("satisfied", ""): group["satisfied"],
                ("rating_resolved", ""): group["rating_resolved"],
            }
        )
        for (dimension, value), amount in found.items():
            if amount:
                rows[(Span.DAY.value, day, dimension, value)] += amount
                rows[(Span.MONTH.value, month_of(day), dimension, value)] += amount
    return rows


def stored_rows(organization_id: int, models: Models = Models()) -> Counter[tuple]:
    """An organization's counters as kept, its shards added up."""
    found = models.count.objects.filter(organization_id=organization_id).values_list(
        "span", "day", "dimension", "value", "count"
    )
    rows: Counter[tuple] = Counter()
    for span, day, dimension, value, count in found:
        rows[(span, day, dimension, value)] += count
    return Counter({key: count for key, count in rows.items() if count})


def _lock_counts(models: Models) -> None:
    """Hold back every change to the counters until this transaction ends, and wait for those
    under way: the recount then sees every committed change and no other is lost."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(models.count._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


def rebuild(organization_id: int, models: Models = Models()) -> int:
    """Replace an organization's counters by a recount; returns how many rows it wrote."""
    with transaction.atomic():
        _lock_counts(models)
        rows = expected_rows(organization_id, models)
        models.count.objects.filter(organization_id=organization_id).delete()
        models.count.objects.bulk_create(
            (
                models.count(organization_id=organization_id, span=span, day=day,
                             dimension=dimension, value=value, count=count)
                for (span, day, dimension, value), count in rows.items()
            ),
            batch_size=2000,
        )  # fmt: skip
    return len(rows)


@dataclass(frozen=True)
class Difference:
    organization_id: int
    rows: int  # counters that differ


def check(organization_ids: Iterable[int], repair: bool = False) -> list[Difference]:
    """Compare each organization's counters with a recount; with `repair`, rebuild those that
    differ (compared again under the lock, so a change committed meanwhile is not mistaken
    for an error)."""
    differences = []
    for organization_id in organization_ids:
        wrong = _differing(organization_id)
        if wrong and repair:
            with transaction.atomic():
                _lock_counts(Models())
                wrong = _differing(organization_id)
                if wrong:
                    rebuild(organization_id)
        if wrong:
            differences.append(Difference(organization_id, wrong))
    return differences


def _wrong_open_due() -> Any:
    differs = (
        Q(open_due__isnull=True, expected__isnull=False)
        | Q(open_due__isnull=False, expected__isnull=True)
        | (Q(open_due__isnull=False, expected__isnull=False) & ~Q(open_due=F("expected")))
    )
    return Case.objects.annotate(expected=_earliest_running_due()).filter(differs)


def _earliest_running_due() -> Any:
    from nghedan.cases.deadlines import earliest_running_due

    return earliest_running_due(OuterRef("pk"))


REPAIR_SLICE = 10_000


def wrong_open_due(repair: bool = False) -> int:
    """How many cases have an `open_due` that is not their earliest running due date; with
    `repair`, set it right, in updates of REPAIR_SLICE cases."""
    wrong = list(_wrong_open_due().values_list("pk", flat=True))
    if repair:
        # In slices: PostgreSQL takes at most 65,535 parameters in one statement.
        for start in range(0, len(wrong), REPAIR_SLICE):
            chunk = wrong[start : start + REPAIR_SLICE]
            Case.objects.filter(pk__in=chunk).update(open_due=_earliest_running_due())
    return len(wrong)


def refresh_all_open_due() -> int:
    """Set every case's `open_due` from its deadlines; returns how many changed."""
    return wrong_open_due(repair=True)


def _differing(organization_id: int) -> int:
    expected, stored = expected_rows(organization_id), stored_rows(organization_id)
    return sum(1 for key in expected.keys() | stored.keys() if expected[key] != stored[key])
