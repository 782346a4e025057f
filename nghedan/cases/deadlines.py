"""Due dates from the deadline rules and the working-day calendar."""

from contextlib import nullcontext
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Planned:
    """A stage's clock worked out before its case is stored."""

    stage: str
    rule: DeadlineRule
    starts_on: date
    due_on: date


def plan_stage(case: Case, stage: str, start: date) -> Planned | None:
    """The first deadline of a case not yet stored, so that the case's INSERT already carries
    its `open_due`; None where the law sets no limit for that stage."""
    rule = rule_for(case, stage)
    if rule is None:
        return None
    return Planned(stage, rule, start, count_days(rule, start, rule.days, work_calendar()))


def open_planned(case: Case, planned: Planned) -> CaseDeadline:
    """Store the planned first deadline of a case made in this same transaction: one INSERT,
    no lookup, no upsert (the case has no deadline yet)."""
    return CaseDeadline.objects.create(
        case=case, stage=planned.stage, rule=planned.rule,
        starts_on=planned.starts_on, due_on=planned.due_on,
    )  # fmt: skip


def open_stage(case: Case, stage: str, start: date) -> CaseDeadline | None:
    """Start (or start again) the stage's clock."""
    rule = rule_for(case, stage)
    if rule is None:
        return None
    due = count_days(rule, start, rule.days, work_calendar())
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
