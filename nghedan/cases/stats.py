"""The figures leaders read: intake, on time, overdue, satisfaction.

On-time rate as DOMAIN.md defines it: finished on time ÷ (finished + open and overdue), so
that leaving cases open past their deadline cannot flatter the rate.

`dashboard` reads them from the counts kept per organization and day (`cases.counts`) and,
for what the passing of days changes (which open cases are overdue), from `Case.open_due`:
a fixed number of queries, none of which reads every case of the period. The functions over
a queryset of cases count directly; they say what the kept figures must equal.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet

from nghedan.cases import counts
from nghedan.cases.models import Case, CaseDeadline
from nghedan.people.models import Organization

Status = Case.Status
FINISHED = (Status.RESOLVED, Status.CLOSED, Status.REFUSED, Status.FORWARDED)
OPEN = (Status.RECEIVED, Status.CLASSIFIED, Status.ACCEPTED, Status.VERIFYING)


def _late(case_ref) -> Exists:
    return Exists(
        CaseDeadline.objects.filter(case=case_ref, met_on__isnull=False, met_on__gt=F("due_on"))
    )


def _overdue(case_ref, today: date) -> Exists:
    return Exists(CaseDeadline.objects.filter(case=case_ref, met_on__isnull=True, due_on__lt=today))


def overdue_cases(cases: QuerySet[Case], today: date) -> QuerySet[Case]:
    """Open cases whose earliest running deadline is past (the kept `open_due`)."""
    return cases.filter(status__in=OPEN, open_due__lt=today)


@dataclass(frozen=True)
class OnTime:
    on_time: int
    counted: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted if self.counted else None


def on_time(cases: QuerySet[Case], today: date) -> OnTime:
    figures = cases.aggregate(
        finished=Count("pk", filter=Q(status__in=FINISHED)),
        finished_late=Count("pk", filter=Q(status__in=FINISHED) & Q(_late(OuterRef("pk")))),
        open_overdue=Count("pk", filter=Q(status__in=OPEN) & Q(_overdue(OuterRef("pk"), today))),
    )
    return OnTime(
        on_time=figures["finished"] - figures["finished_late"],
        counted=figures["finished"] + figures["open_overdue"],
    )


def counts_by(cases: QuerySet[Case], field: str) -> list[dict]:
    return list(cases.values(field).annotate(count=Count("pk")).order_by("-count"))


def overdue_by_organization(cases: QuerySet[Case], today: date) -> list[dict]:
    rows = (
        overdue_cases(cases, today)
        .values("organization__name")
        .annotate(count=Count("pk"))
        .order_by("-count")[:20]
    )
    return [dict(row) for row in rows]


def satisfaction(cases: QuerySet[Case]) -> dict:
    return cases.filter(rating__isnull=False).aggregate(
        rated=Count("pk"),
        average=Avg("rating__score"),
        satisfied=Count("pk", filter=Q(rating__score__gte=4)),
        resolved=Count("pk", filter=Q(rating__resolved=True)),
    )


def overdue_counts(organizations: QuerySet, today: date, first_day: date) -> list[dict]:
    """Open overdue cases per organization, all and received from `first_day` on, most first.

    Grouped by the organization's id, which the partial index of running cases holds, and
    named afterwards: joining names first would carry every overdue case through the join.
    """
    overdue = (
        Case.objects.filter(organization__in=organizations, status__in=OPEN, open_due__lt=today)
        .values("organization_id")
        .annotate(
            # Counted on columns the index holds (not the id), so that it answers alone.
            count=Count("open_due"),
            in_period=Count(
                "received_at", filter=Q(received_at__gte=counts.start_of_day(first_day))
            ),
        )
        .order_by()
    )
    rows: list[dict] = [dict(row) for row in overdue]
    names = dict(
        Organization.objects.filter(pk__in=[row["organization_id"] for row in rows]).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["organization__name"] = names.get(row["organization_id"], "")
    return sorted(rows, key=lambda row: (-row["count"], row["organization__name"]))


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's figures over some organizations, for the period that ends today."""

    first_day: date
    received: int
    open: int
    overdue: int
    on_time: OnTime
    by_channel: list[dict]
    by_category: list[dict]
    by_kind: list[dict]
    by_status: list[dict]
    overdue_by_organization: list[dict]
    satisfaction: dict


def _rows(found: dict[str, int], field: str) -> list[dict]:
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return [{field: value, "count": count} for value, count in ranked]


def dashboard(organizations: QuerySet, today: date, days: int) -> Dashboard:
    """Three queries: the kept counts, the open overdue cases per organization, and the
    names of those organizations."""
    first_day = counts.period_start(today, days)
    kept = counts.read(organizations, first_day)
    overdue = overdue_counts(organizations, today, first_day)
    finished = sum(kept.period[("status", status)] for status in FINISHED)
    open_overdue = sum(row["in_period"] for row in overdue)
    rated = kept.total("rated")
    categories = {int(pk): count for pk, count in kept.by("category").items()}
    return Dashboard(
        first_day=first_day,
        received=kept.total("received"),
        open=sum(kept.all_time_status[status] for status in OPEN),
        overdue=sum(row["count"] for row in overdue),
        on_time=OnTime(
            on_time=finished - kept.total("finished_late"), counted=finished + open_overdue
        ),
        by_channel=_rows(kept.by("channel"), "channel"),
        by_category=sorted(
            ({"category": pk, "count": count} for pk, count in categories.items()),
            key=lambda row: (-row["count"], row["category"]),
        ),
        by_kind=_rows(kept.by("kind"), "kind"),
        by_status=_rows(kept.by("status"), "status"),
        overdue_by_organization=[
            {"organization__name": row["organization__name"], "count": row["count"]}
            for row in overdue[:20]
        ],
        satisfaction={
            "rated": rated,
            "average": kept.total("score") / rated if rated else None,
            "satisfied": kept.total("satisfied"),
            "resolved": kept.total("rating_resolved"),
        },
    )
