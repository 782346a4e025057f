"""The figures leaders read: intake, on time, overdue, satisfaction.

On-time rate as DOMAIN.md defines it: finished on time ÷ (finished + open and overdue), so
that leaving cases open past their deadline cannot flatter the rate.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet

from nghedan.cases.models import Case, CaseDeadline

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
    return cases.filter(status__in=OPEN).filter(_overdue(OuterRef("pk"), today))


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
