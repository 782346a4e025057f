"""Due dates from the deadline rules and the working-day calendar."""

from datetime import date

from nghedan.cases.models import CalendarChange, Case, CaseDeadline, DeadlineRule, Stage
from nghedan.lib.workdays import WorkCalendar

Condition = DeadlineRule.Condition


def work_calendar() -> WorkCalendar:
    changes = CalendarChange.objects.values_list("day", "is_working_day")
    return WorkCalendar(
        extra_days_off=[day for day, working in changes if not working],
        extra_working_days=[day for day, working in changes if working],
    )


def rule_for(case: Case, stage: str) -> DeadlineRule | None:
    """The rule for the case's own condition, else the normal one; None where the law sets
    no limit for that stage."""
    rules = DeadlineRule.objects.filter(kind=case.rule_kind, stage=stage)
    return (
        rules.filter(condition=case.condition).first()
        or rules.filter(condition=Condition.NORMAL).first()
    )


def count_days(rule: DeadlineRule, start: date, days: int, calendar: WorkCalendar) -> date:
    if rule.basis == DeadlineRule.Basis.WORKING:
        return calendar.add_working_days(start, days)
    return calendar.add_calendar_days(start, days)


def open_stage(case: Case, stage: str, start: date) -> CaseDeadline | None:
    rule = rule_for(case, stage)
    if rule is None:
        return None
    due = count_days(rule, start, rule.days, work_calendar())
    deadline, _ = CaseDeadline.objects.update_or_create(
        case=case, stage=stage,
        defaults={"rule": rule, "starts_on": start, "due_on": due, "met_on": None,
                  "extensions": 0, "reminded": False, "escalated": False},
    )  # fmt: skip
    return deadline


def close_stages(case: Case, on: date, stages=tuple(Stage.values)) -> None:
    CaseDeadline.objects.filter(case=case, stage__in=stages, met_on__isnull=True).update(met_on=on)


def extend(deadline: CaseDeadline) -> date:
    return count_days(deadline.rule, deadline.due_on, deadline.rule.extension_days, work_calendar())


def days_left(deadline: CaseDeadline, today: date) -> int:
    return work_calendar().working_days_between(today, deadline.due_on)
