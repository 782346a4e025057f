"""A denouncer is told why their denunciation is not accepted (Luật Tố cáo 2018, Điều 29).

Their contact is sealed apart from the case: the refusal notice unseals it for the sending
alone, the read is audited as the system's, and afterwards nothing anyone else can see (pages,
API, Open311, admin, audit log, log lines) holds it. An anonymous denunciation, kept as
information, has no contact and is told nothing.
"""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, replies
from nghedan.cases.models import Case, RefusalReason
from nghedan.cases.tests.factories import submit
from nghedan.cases.tests.test_identity_sweep import (
    ADDRESS,
    EMAIL,
    NAME,
    PERSONAS,
    PHONE,
    leaks,
    pages_touching,
    send_denunciation,
)
from nghedan.lib.refusal import Refused
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "nghedan.cases.replies.LocmemSms"
    replies.LocmemSms.outbox.clear()
    yield replies.LocmemSms.outbox
    replies.LocmemSms.outbox.clear()


def reason() -> RefusalReason:
    return RefusalReason.objects.get(code="tc-khong-ro-vi-pham")


def refuse(case: Case, django_capture_on_commit_callbacks) -> Case:
    handler = User.objects.get(username="xuly.saigon")
    actions.do_assign(handler, case, handler)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_refuse(handler, case, reason(), "Chưa nêu được hành vi vi phạm cụ thể.")
    return case


@pytest.fixture
def refused(client_for, django_capture_on_commit_callbacks):
    """A denunciation sent from the public form by a signed-in citizen, then refused."""
    case = send_denunciation(client_for, "Nghe nói có cán bộ phường làm khó người dân.")
    assert not case.submitter_email and not case.submitter_phone  # sealed, not on the case
    return refuse(case, django_capture_on_commit_callbacks)


def test_the_denouncer_is_told_the_reason_by_email_and_sms(refused, sms_outbox):
    sent = [message for message in mail.outbox if refused.code in message.subject]
    assert [message.to for message in sent] == [[EMAIL]]
    body = sent[0].body
    assert reason().text in body and reason().legal_reference in body
    assert NAME not in body and ADDRESS not in body and PHONE not in body
    assert sent[0].cc == [] and sent[0].bcc == []
    assert len(sms_outbox) == 1
    phone, text = sms_outbox[0]
    assert phone == PHONE and refused.code in text and reason().legal_reference in text


def test_the_read_is_audited_as_the_systems_for_the_notice(refused):
    read = AuditEntry.objects.get(action="case.identity_read", target_id=str(refused.pk))
    assert read.actor is None and read.actor_label == replies.REFUSAL_NOTICE
    assert read.data == {"purpose": "refusal_notice", "system": True}
    refusal = AuditEntry.objects.get(action="case.refuse", target_id=str(refused.pk))
    assert refusal.seq < read.seq  # the refusal first; the read for its notice after it


def test_after_the_notice_no_page_or_response_holds_the_denouncers_identity(client_for, refused):
    found = []
    for persona in PERSONAS:
        browser = client_for(persona)
        for path in pages_touching(refused):
            response = browser.get(path)
            body = response.content.decode("utf-8", errors="replace")
            if leaks(body, persona):
                found.append(f"{persona or 'anonymous'} {path}: {leaks(body, persona)}")
    assert not found, "\n".join(found)
    # The sweep saw the case itself, with the refusal on it.
    page = client_for("xuly.saigon").get(reverse("cases:case", args=[refused.pk])).text
    assert refused.code in page and reason().text in page
    about_the_case = AuditEntry.objects.filter(target_id=str(refused.pk))
    assert not any(leaks(f"{entry.data} {entry.actor_label}") for entry in about_the_case)


def test_the_console_gateway_logs_no_number(demo, settings, caplog,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.SMS_BACKEND = "nghedan.cases.replies.ConsoleSms"
    case = submit(kind="denunciation", submitter_email="", submitter_address="18 Hẻm Kín",
                  submitter_phone=PHONE)  # fmt: skip
    with caplog.at_level(logging.INFO, logger="nghedan.cases.replies"):
        refuse(case, django_capture_on_commit_callbacks)
    logged = [line for line in caplog.messages if case.code in line]
    assert logged and "*****678" in logged[0]
    assert not any(PHONE in line or PHONE.replace(" ", "") in line for line in caplog.messages)
    assert not mail.outbox


@pytest.mark.parametrize("backend", ["console", "file"])
def test_the_console_and_file_mail_backends_write_no_denouncers_address(
    demo, settings, capsys, tmp_path, backend, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"nghedan.lib.sealed_mail.{backend.capitalize()}Backend"
    settings.EMAIL_FILE_PATH = tmp_path
    denunciation = submit(kind="denunciation", submitter_email=EMAIL, submitter_phone="",
                          submitter_address="18 Hẻm Kín")  # fmt: skip
    complaint = submit(kind="complaint", submitter_email="an@example.vn")
    refuse(denunciation, django_capture_on_commit_callbacks)
    handler = User.objects.get(username="xuly.saigon")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_refuse(handler, complaint, RefusalReason.objects.get(code="kn-het-thoi-hieu"))
    written = capsys.readouterr().out + "".join(p.read_text() for p in tmp_path.iterdir())
    # Both notices were written; only the complainant's address shows.
    assert denunciation.code in written and complaint.code in written
    assert "To: b***@***" in written and "To: an@example.vn" in written
    assert EMAIL not in written and "bimat" not in written


def test_an_anonymous_denunciation_kept_as_information_is_told_nothing(demo, sms_outbox):
    kept = submit(kind="denunciation", is_anonymous=True, submitter_name="",
                  submitter_address="")  # fmt: skip
    assert kept.status == Case.Status.INFORMATION and not kept.submitter_email
    handler = User.objects.get(username="xuly.saigon")
    with pytest.raises(Refused) as refused:
        actions.do_refuse(handler, kept, reason())
    assert refused.value.code == "wrong_state"
    replies.send_refusal(kept)  # even if asked to: there is nobody to tell
    assert not mail.outbox and not sms_outbox
    assert not AuditEntry.objects.filter(action="case.identity_read").exists()


def test_a_complainant_is_still_told_from_the_case_without_unsealing(
    demo, sms_outbox, django_capture_on_commit_callbacks
):
    complaint = submit(kind="complaint")
    handler = User.objects.get(username="xuly.saigon")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_refuse(handler, complaint, RefusalReason.objects.get(code="kn-het-thoi-hieu"))
    assert [message.to for message in mail.outbox] == [["an@example.vn"]]
    assert [phone for phone, _text in sms_outbox] == ["0909 123 456"]
    assert not AuditEntry.objects.filter(action="case.identity_read").exists()


def test_a_missing_key_sends_nothing_and_says_so_without_the_contact(
    demo, settings, sms_outbox, caplog, django_capture_on_commit_callbacks
):
    case = submit(kind="denunciation", submitter_address="18 Hẻm Kín")
    settings.IDENTITY_KEYS = ["ZmFrZS1rZXktZmFrZS1rZXktZmFrZS1rZXktZmFrZS0="]  # not the one used
    with caplog.at_level(logging.ERROR, logger="nghedan.cases.replies"):
        refuse(case, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED
    assert not mail.outbox and not sms_outbox
    assert any(case.code in line and "NGHEDAN_IDENTITY_KEYS" in line for line in caplog.messages)
    assert AuditEntry.objects.filter(action="case.identity_read", target_id=str(case.pk)).exists()
