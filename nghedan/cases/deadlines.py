"""Due dates from the deadline rules and the working-day calendar."""

from contextlib import nullcontext
from datetime import date

from django.db.models import F, OuterRef, Subquery

from nghedan.cases import counts, rule_cache
from nghedan.cases.models import Case, CaseDeadline, DeadlineRule, Stage
from nghedan.lib.workdays import WorkCalendar

Condition = DeadlineRule.Condition


def work_calendar() -> WorkCalendar:
    """Kept in the process until the calendar's changes change (nghedan.cases.rule_cache)."""
    return rule_cache.work_calendar()


def rule_for(case: Case, stage: str) -> DeadlineRule | None:
    """The rule for the case's own condition, else the normal one; None where the law sets
    no limit for that stage."""
    own = rule_cache.deadline_rule(case.rule_kind, stage, case.condition)
    return own or rule_cache.deadline_rule(case.rule_kind, stage, Condition.NORMAL)


def count_days(rule: DeadlineRule, start: date, days: int, calendar: WorkCalendar) -> date:
    if rule.basis == DeadlineRule.Basis.WORKING:
        return calendar.add_working_days(start, days)
    return calendar.add_calendar_days(start, days)


def open_stage(case: Case, stage: str, start: date, *, new: bool = False) -> CaseDeadline | None:
    """Start (or start again) the stage's clock. `new=True` is for a case made in this same
    transaction, which has no deadline yet: one INSERT instead of a lookup and an upsert."""
    rule = rule_for(case, stage)
    if rule is None:
        return None
    due = count_days(rule, start, rule.days, work_calendar())
    if new:
        deadline = CaseDeadline.objects.create(
            case=case, stage=stage, rule=rule, starts_on=start, due_on=due
        )
        # Its only running deadline: the case's earliest due date is this one.
        Case.objects.filter(pk=case.pk).update(open_due=due)
        case.open_due = due
        return deadline
    # A stage opened again (a reopened case) forgets that it was met late: the counts must
    # follow. Only then is the case's standing taken before and after.
    late_before = CaseDeadline.objects.filter(case=case, stage=stage, met_on__gt=F("due_on"))
    with counts.tracking(case.pk) if late_before.exists() else nullcontext():
        deadline, _ = CaseDeadline.objects.update_or_create(
            case=case, stage=stage,
            defaults={"rule": rule, "starts_on": start, "due_on": due, "met_on": None,
                      "extensions": 0, "reminded": False, "escalated": False},
        )  # fmt: skip
    refresh_open_due(case)
    return deadline


def close_stages(case: Case, on: date, stages=tuple(Stage.values)) -> None:
    running = CaseDeadline.objects.filter(case=case, stage__in=stages, met_on__isnull=True)
    due_dates = list(running.values_list("due_on", flat=True))
    if not due_dates:
        return
    # Met after its due date: the case may now count as finished late.
    with counts.tracking(case.pk) if min(due_dates) < on else nullcontext():
        running.update(met_on=on)
    refresh_open_due(case)


def earliest_running_due(case_ref) -> Subquery:
    running = CaseDeadline.objects.filter(case=case_ref, met_on__isnull=True)
    return Subquery(running.order_by("due_on").values("due_on")[:1])


def refresh_open_due(case: Case) -> None:
    """Set `Case.open_due` to the earliest running due date; called in the same transaction
    by whatever opens, meets, moves or extends a deadline."""
    Case.objects.filter(pk=case.pk).update(open_due=earliest_running_due(OuterRef("pk")))
    # Read again from the database when next used, not before.
    case.__dict__.pop("open_due", None)


def extend(deadline: CaseDeadline) -> date:
    return count_days(deadline.rule, deadline.due_on, deadline.rule.extension_days, work_calendar())


def days_left(deadline: CaseDeadline, today: date) -> int:
    return work_calendar().working_days_between(today, deadline.due_on)
