"""Notices by e-mail: one message per person, a mail server that fails loses no notice."""

import logging

import pytest
from django.core import mail

from nghedan.notices.actions import do_notify
from nghedan.notices.models import Notice
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down for giamsat.dandan@demo.nghedan.vn")


def supervisors():
    return list(User.objects.filter(username__in=["giamsat.dandan", "giamsat.mttq.saigon"]))


def test_nobody_sees_who_else_was_told(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        do_notify(supervisors(), "Vụ việc ABCD-1234 đã quá hạn.")
    assert sorted(message.to for message in mail.outbox) == [
        ["giamsat.dandan@demo.nghedan.vn"], ["giamsat.mttq.saigon@demo.nghedan.vn"],
    ]  # fmt: skip


def test_a_failing_mail_server_keeps_the_notices_and_says_so(
    demo, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "nghedan.notices.tests.test_review.BrokenMail"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        do_notify(supervisors(), "Vụ việc ABCD-1234 đã quá hạn.")
    assert Notice.objects.filter(text__contains="ABCD-1234").count() == 2
    assert "Không gửi được e-mail" in caplog.text and "@" not in caplog.text


def test_a_long_notice_is_shortened_not_refused(demo):
    (notice,) = do_notify(supervisors()[:1], "Vụ việc ABCD-1234: " + "ngập nặng " * 60)
    assert len(notice.text) <= 300 and notice.text.endswith("…")
