"""The on-time rate counts open overdue cases against the organization."""

from datetime import date, timedelta

import pytest

from nghedan.cases import actions, stats
from nghedan.cases.models import Case
from nghedan.cases.tests.factories import set_due, submit
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


def test_open_overdue_cases_count_against_the_rate(demo):
    officer = User.objects.get(username="xuly.saigon")
    today = date.today()
    on_time, late, overdue, fresh = (submit() for _ in range(4))
    for case in (on_time, late):
        actions.do_classify(officer, case, kind=case.kind, category=case.category,
                            condition="normal", people_count=1)  # fmt: skip
        actions.do_accept(officer, case)
        actions.do_resolve(officer, case, answer="Đã xử lý.")
    set_due(late, today - timedelta(days=30))
    set_due(overdue, today - timedelta(days=1))
    cases = Case.objects.filter(pk__in=[on_time.pk, late.pk, overdue.pk, fresh.pk])
    figures = stats.on_time(cases, today)
    assert (figures.on_time, figures.counted) == (1, 3)
    assert figures.rate == pytest.approx(1 / 3)
    assert list(stats.overdue_cases(cases, today)) == [overdue]
    assert stats.overdue_by_organization(cases, today) == [
        {"organization__name": "Ủy ban nhân dân phường Sài Gòn", "count": 1}
    ]


def test_no_case_no_rate(db):
    assert stats.on_time(Case.objects.none(), date.today()).rate is None
