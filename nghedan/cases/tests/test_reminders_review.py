"""The watch and the replies under the conditions that go wrong in practice: a case resolved
while the sweep runs, a handler who has left, an SMS gateway that fails, a task run twice, an
officer whose pages are in English."""

import logging
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from nghedan.cases import actions, deadlines, replies
from nghedan.cases.tests.factories import submit
from nghedan.cases.watch import do_escalate, open_deadlines, watch_deadlines
from nghedan.notices.models import Delivery, Notice
from nghedan.people.models import Organization, User

pytestmark = pytest.mark.django_db
PHONE = "0909 123 456"


class BrokenSms:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError(f"operator refused {phone}")


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "nghedan.cases.replies.LocmemSms"
    replies.LocmemSms.outbox.clear()
    yield replies.LocmemSms.outbox
    replies.LocmemSms.outbox.clear()


@pytest.fixture
def handler(demo):
    return User.objects.get(username="xuly.saigon")


@pytest.fixture
def case(handler):
    case = submit()
    actions.do_assign(None, case, handler)
    deadlines.open_stage(case, "receive", date(2026, 2, 13))  # due 06/03/2026
    return case


def accepted(case, handler):
    actions.do_classify(handler, case, kind=case.kind, category=case.category,
                        condition=case.condition, people_count=1)  # fmt: skip
    return actions.do_accept(handler, case)


def told(username, words):
    return Notice.objects.filter(user__username=username, text__contains=words).count()


def test_a_case_forwarded_while_the_sweep_runs_is_not_escalated(case, handler):
    (seen,) = open_deadlines().filter(case=case)  # the sweep has read it ...
    other = Organization.objects.get(code="ben-thanh-ubnd")
    actions.do_forward(handler, case, other)  # ... and the officer moves the case on
    assert do_escalate(seen) is False
    assert not case.events.filter(action="escalated").exists()
    assert told("giamsat.mttq.saigon", "quá hạn") == 0


def test_a_deadline_met_while_the_sweep_runs_is_not_escalated(case):
    (seen,) = open_deadlines().filter(case=case)
    deadlines.close_stages(case, date(2026, 3, 6))
    assert do_escalate(seen) is False
    assert watch_deadlines(date(2026, 3, 9)) == (0, 0)


def test_the_watch_run_twice_tells_each_deadline_once(case):
    assert watch_deadlines(date(2026, 3, 9)) == (0, 1)
    (seen,) = open_deadlines().filter(case=case)
    assert do_escalate(seen) is False  # a second worker that read it before the first wrote
    assert watch_deadlines(date(2026, 3, 9)) == (0, 0)
    assert told("giamsat.dandan", "quá hạn") == 1


def test_a_deactivated_assignee_s_reminder_goes_to_the_organization(case, handler):
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert watch_deadlines(date(2026, 3, 4)) == (1, 0)
    assert told("lanhdao.saigon", "sắp đến hạn") == 1
    assert told("xuly.saigon", "sắp đến hạn") == 0


def test_working_days_count_across_a_weekend_deadline(case):
    """A deadline moved onto a Saturday still has two working days left on the Wednesday."""
    case.deadlines.update(due_on=date(2026, 3, 7))
    assert watch_deadlines(date(2026, 3, 3)) == (0, 0)  # Thu, Fri and Sat: three
    assert watch_deadlines(date(2026, 3, 4)) == (1, 0)


def test_a_failing_sms_gateway_loses_no_reply_and_is_tried_again(
    case, handler, settings, sms, caplog, django_capture_on_commit_callbacks
):
    accepted(case, handler)
    settings.SMS_BACKEND = "nghedan.cases.tests.test_reminders_review.BrokenSms"
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        actions.do_resolve(handler, case, answer="Đã vá ổ gà.")  # no 500 for the officer
    assert [m.to for m in mail.outbox if case.code in m.subject] == [["an@example.vn"]]
    owed = Delivery.objects.get(case=case)
    assert owed.email_done and not owed.sms_done and owed.last_error == "ConnectionError"
    assert PHONE not in caplog.text and case.code in caplog.text
    settings.SMS_BACKEND = "nghedan.cases.replies.LocmemSms"
    Delivery.objects.filter(pk=owed.pk).update(claimed_at=None)
    call_command("sweep_tasks", verbosity=0)
    call_command("sweep_tasks", verbosity=0)
    assert [phone for phone, _text in sms] == [PHONE]
    assert len([m for m in mail.outbox if case.code in m.subject]) == 1  # not sent again
    assert Delivery.objects.get(pk=owed.pk).sms_done


def test_a_delivery_run_twice_is_sent_once(case, handler, sms):
    accepted(case, handler)
    actions.do_resolve(handler, case, answer="Đã vá ổ gà.")
    delivery = Delivery.objects.create(case=case, purpose=Delivery.Purpose.REPLY)
    assert replies.deliver(delivery.pk) is True
    assert replies.deliver(delivery.pk) is False
    assert len(sms) == 1


def test_the_citizen_is_answered_in_vietnamese_whatever_the_officer_reads(
    case, handler, sms, django_capture_on_commit_callbacks
):
    accepted(case, handler)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        actions.do_resolve(handler, case, answer="Đã vá ổ gà.")
    ((_phone, text),) = sms
    assert "đã có kết quả" in text
