"""Every seeded deadline rule, counted from the Friday before Tết Bính Ngọ (13/02/2026).

Tết 2026 closes offices from Monday 16/02 to Friday 20/02; with the weekends no one works from
14/02 to 22/02. Expected dates were counted by hand on the 2026 calendar.
"""

from datetime import date

import pytest

from nghedan.cases import deadlines
from nghedan.cases.models import CalendarChange, DeadlineRule
from nghedan.cases.tests.factories import submit

pytestmark = pytest.mark.django_db
BEFORE_TET = date(2026, 2, 13)

# (days, basis) → due date when the stage opens on 13/02/2026
EXPECTED = {
    (5, "working"): date(2026, 2, 27),  # 23–27/02 after Tết
    (7, "working"): date(2026, 3, 3),
    (10, "working"): date(2026, 3, 6),
    (30, "calendar"): date(2026, 3, 16),  # 15/03 is a Sunday: the period ends on Monday
    (45, "calendar"): date(2026, 3, 30),
    (60, "calendar"): date(2026, 4, 14),
    (70, "calendar"): date(2026, 4, 24),
}


def rule_ids():
    from nghedan.cases.seed import DEADLINE_RULES

    return [(kind, stage, condition) for kind, stage, condition, *_ in DEADLINE_RULES]


@pytest.mark.parametrize(("kind", "stage", "condition"), rule_ids())
def test_each_rule_across_tet(db, kind, stage, condition):
    rule = DeadlineRule.objects.get(kind=kind, stage=stage, condition=condition)
    due = deadlines.count_days(rule, BEFORE_TET, rule.days, deadlines.work_calendar())
    assert due == EXPECTED[(rule.days, rule.basis)]
    assert rule.legal_reference


def test_an_announced_day_off_moves_working_day_deadlines(db):
    rule = DeadlineRule.objects.get(kind="feedback", stage="receive", condition="normal")
    CalendarChange.objects.create(day=date(2026, 3, 2), is_working_day=False,
                                  legal_reference="Thông báo của Chính phủ (ví dụ)")  # fmt: skip
    due = deadlines.count_days(rule, BEFORE_TET, rule.days, deadlines.work_calendar())
    assert due == date(2026, 3, 9)


def test_an_announced_working_saturday_shortens_them(db):
    rule = DeadlineRule.objects.get(kind="feedback", stage="receive", condition="normal")
    CalendarChange.objects.create(day=date(2026, 2, 28), is_working_day=True,
                                  legal_reference="Thông báo làm bù (ví dụ)")  # fmt: skip
    due = deadlines.count_days(rule, BEFORE_TET, rule.days, deadlines.work_calendar())
    assert due == date(2026, 3, 5)


def test_a_case_shows_the_working_days_left(demo):
    case = submit()
    deadline = deadlines.open_stage(case, "receive", BEFORE_TET)
    assert deadline.due_on == date(2026, 3, 6)
    assert deadlines.days_left(deadline, BEFORE_TET) == 10
    assert deadlines.days_left(deadline, date(2026, 3, 6)) == 0
    assert deadlines.days_left(deadline, date(2026, 3, 10)) == -2


def test_a_condition_without_its_own_rule_falls_back_to_the_normal_one(demo):
    case = submit(kind="denunciation", submitter_name="Trần B", submitter_address="1 Lê Lợi")
    case.condition = "especially_complex"
    assert deadlines.rule_for(case, "receive").condition == "normal"
    assert deadlines.rule_for(case, "resolve").condition == "especially_complex"


@pytest.mark.parametrize(
    ("kind", "condition", "days", "extensions"),
    [
        ("complaint", "especially_complex", 45, 0),
        ("complaint", "several_places", 45, 0),
        ("denunciation", "several_places", 30, 1),
        ("denunciation", "complex_remote", 30, 1),
    ],
)
def test_every_complex_condition_gets_at_least_the_complex_rule(demo, kind, condition, days,
                                                                extensions):  # fmt: skip
    case = submit(kind=kind, submitter_name="Trần B", submitter_address="1 Lê Lợi")
    case.condition = condition
    rule = deadlines.rule_for(case, "resolve")
    assert (rule.condition, rule.days, rule.max_extensions) == (condition, days, extensions)
