"""Reminders before the due date, escalation to the supervisors once overdue."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, deadlines
from nghedan.cases.tests.factories import submit
from nghedan.cases.watch import watch_deadlines
from nghedan.notices.models import Notice
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    case = submit()
    actions.do_assign(None, case, User.objects.get(username="xuly.saigon"))
    deadlines.open_stage(case, "receive", date(2026, 2, 13))  # due 06/03/2026
    return case


def notified(username):
    return list(Notice.objects.filter(user__username=username).values_list("text", flat=True))


def test_the_assigned_handler_is_reminded_once_before_the_due_date(
    case, django_capture_on_commit_callbacks
):
    assert watch_deadlines(date(2026, 3, 2)) == (0, 0)  # four working days left
    with django_capture_on_commit_callbacks(execute=True):
        assert watch_deadlines(date(2026, 3, 4)) == (1, 0)
    assert watch_deadlines(date(2026, 3, 5)) == (0, 0)
    (text,) = [text for text in notified("xuly.saigon") if "sắp đến hạn" in text]
    assert case.code in text and "06/03/2026" in text
    assert mail.outbox and mail.outbox[0].to == ["xuly.saigon@demo.nghedan.vn"]


def test_an_overdue_case_is_escalated_to_its_supervisors_once(case):
    assert watch_deadlines(date(2026, 3, 9)) == (0, 1)
    assert watch_deadlines(date(2026, 3, 10)) == (0, 0)
    for supervisor in ("giamsat.mttq.saigon", "giamsat.dandan", "lanhdao.saigon"):
        assert any("quá hạn" in text for text in notified(supervisor)), supervisor
    assert not notified("tiepnhan.benthanh") and not notified("daibieu.hdnd")
    assert case.events.filter(action="escalated").exists()
    assert AuditEntry.objects.filter(action="case.escalate").count() == 1


def test_a_met_deadline_is_left_alone(case):
    deadlines.close_stages(case, date(2026, 3, 1))
    assert watch_deadlines(date(2026, 3, 20)) == (0, 0)


def test_the_sweep_runs_the_watch(case):
    call_command("sweep_tasks", verbosity=0)
    assert Notice.objects.exists()  # the deadline is long past today: escalated
