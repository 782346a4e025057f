"""Telling the citizen: the answer by e-mail and by SMS, each behind a gateway.

E-mail goes through Django's mail backend (console by default). SMS goes through the class
named by NGHEDAN_SMS_BACKEND; the console one writes the message to the log, and a deployment
plugs in its operator's gateway with the same `send(phone, text)` method. A gateway that writes
what it sends anywhere (a log, a table) also offers `send_secret(phone, text)`, used for a
sealed contact, which keeps the number out of what it writes; e-mail to a sealed contact goes
as a `SealedRecipientEmail`, whose address the console and file mail backends mask.

A denouncer's contact is sealed apart from the case. The law still asks that they be told why
their denunciation is not accepted (Luật Tố cáo 2018, Điều 29), so the refusal notice, and only
it, unseals the e-mail and phone for the moment of sending: the read is written to the audit
log as the system's, with its purpose, and the contact is kept nowhere afterwards (not on the
case, its timeline, the audit entry, or what the console gateways and mail backends write).
"""

import logging
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases.models import Case, SecretIdentity
from nghedan.lib import crypto
from nghedan.lib.sealed_mail import SealedRecipientEmail
from nghedan.notices.models import Delivery

logger = logging.getLogger(__name__)

# The actor the audit log names when the system unseals a contact to send a refusal notice.
REFUSAL_NOTICE = "hệ thống: thông báo không thụ lý"
SHOWN_PHONE_DIGITS = 3
# A delivery claimed this long ago lost its worker: the sweep may send it again.
CLAIM_LEASE = timedelta(minutes=10)


def masked_phone(phone: str) -> str:
    """A number as a log may show it: enough to tell two apart, not enough to call."""
    digits = "".join(char for char in phone if char.isdigit())
    return "*" * max(len(digits) - SHOWN_PHONE_DIGITS, 0) + digits[-SHOWN_PHONE_DIGITS:]


class ConsoleSms:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS tới %s: %s", phone, text)

    def send_secret(self, phone: str, text: str) -> None:
        """A sealed contact (a denouncer's): the log line must not tie the number to the case."""
        logger.info("SMS tới %s: %s", masked_phone(phone), text)


class LocmemSms:
    """Keeps what it sends in `outbox` (a list of (phone, text)), like Django's locmem mail
    backend: for tests and for trying the flows without an operator."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def sms_gateway():
    return import_string(settings.SMS_BACKEND)()


def _tracking_link(case: Case) -> str:
    return settings.SITE_URL + reverse("cases:track_case", args=[case.code])


def reply_text(case: Case) -> str:
    return _("Nghe Dân: vụ việc %(code)s đã có kết quả. Xem tại %(link)s") % {
        "code": case.code, "link": _tracking_link(case),
    }  # fmt: skip


def refusal_text(case: Case) -> str:
    reason = case.refusal_reason
    return _(
        "Nghe Dân: vụ việc %(code)s không được thụ lý vì %(reason)s (%(reference)s). "
        "Xem tại %(link)s"
    ) % {
        "code": case.code, "reason": reason.text if reason else "",
        "reference": reason.legal_reference if reason else "", "link": _tracking_link(case),
    }  # fmt: skip


def send_reply(case: Case) -> None:
    """The answer to whoever left a contact; a denouncer's contact is secret and not used here."""
    _owe(case, Delivery.Purpose.REPLY)


def send_refusal(case: Case) -> None:
    """The law asks that a refusal be notified with its reason (Luật Khiếu nại 2011, Điều 27;
    Luật Tố cáo 2018, Điều 29): to the contact on the case, or to a denouncer's sealed one."""
    _owe(case, Delivery.Purpose.REFUSAL)


def _owe(case: Case, purpose: str) -> Delivery:
    """Write down what is owed, then send it in the background: a gateway that fails (or a
    request that ends) loses nothing, and the sweep tries again."""
    from nghedan.cases.tasks import deliver_reply

    delivery = Delivery.objects.create(case_id=case.pk, purpose=purpose)
    deliver_reply.enqueue(delivery.pk)
    return delivery


def owed_deliveries():
    """What is still owed, not being sent just now, and not given up on."""
    stale = timezone.now() - CLAIM_LEASE
    return Delivery.objects.filter(
        Q(email_done=False) | Q(sms_done=False),
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
        attempts__lt=Delivery.MAX_ATTEMPTS,
    )


def deliver(delivery_id: int) -> bool:
    """Send what the delivery still owes; True once every channel has gone. Safe to run twice
    and on two workers at once: only the one that claims it sends."""
    now = timezone.now()
    claimed = (
        owed_deliveries().filter(pk=delivery_id).update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("case__refusal_reason").get(pk=delivery_id)
    case = delivery.case
    error = ""
    try:
        with translation.override(settings.LANGUAGE_CODE):  # told in Vietnamese first
            _send_owed(delivery, case)
    except Exception as failure:  # a gateway's failure: kept for the next try
        error = type(failure).__name__
        # Only the kind of failure: the gateway's message may carry the number or address.
        logger.error(
            "Chưa gửi được %s vụ việc %s (lần %s/%s): %s; sẽ thử lại.",
            delivery.get_purpose_display(), case.code, delivery.attempts,
            Delivery.MAX_ATTEMPTS, error,
        )  # fmt: skip
    Delivery.objects.filter(pk=delivery.pk).update(
        email_done=delivery.email_done, sms_done=delivery.sms_done, last_error=error,
        claimed_at=None, updated_at=timezone.now(),
    )  # fmt: skip
    return delivery.email_done and delivery.sms_done


def _send_owed(delivery: Delivery, case: Case) -> None:
    if delivery.purpose == Delivery.Purpose.REPLY:
        subject = _("Nghe Dân: đã có kết quả %(code)s") % {"code": case.code}
        _deliver(delivery, case.submitter_email, case.submitter_phone, subject,
                 reply_text(case), case.published_answer)  # fmt: skip
        return
    subject = _("Nghe Dân: vụ việc %(code)s không được thụ lý") % {"code": case.code}
    text = refusal_text(case)
    sealed = SecretIdentity.objects.filter(case_id=case.pk).only("ciphertext").first()
    if sealed is None:
        _deliver(delivery, case.submitter_email, case.submitter_phone, subject, text)
        return
    email, phone = _unseal_contact_for_refusal(case, sealed)
    _deliver(delivery, email, phone, subject, text, secret=True)


def _unseal_contact_for_refusal(case: Case, sealed: SecretIdentity) -> tuple[str, str]:
    """The denouncer's e-mail and phone, nothing else of the identity; the read is audited
    first, as every read of it is."""
    record(REFUSAL_NOTICE, "case.identity_read", case, purpose="refusal_notice", system=True)
    try:
        identity = crypto.unseal(sealed.ciphertext)
    except ValueError:
        # An old key is missing: the refusal stands and shows on the tracking page; the log
        # says the notice could not go, and nothing of the contact.
        logger.error(
            "Không gửi được thông báo không thụ lý vụ việc %s: không giải mã được danh tính "
            "(thiếu khóa cũ trong NGHEDAN_IDENTITY_KEYS).",
            case.code,
        )
        return "", ""
    return str(identity.get("email") or ""), str(identity.get("phone") or "")


def _deliver(
    delivery: Delivery,
    email: str,
    phone: str,
    subject: str,
    text: str,
    details: str = "",
    secret: bool = False,
) -> None:
    """Each channel not yet done, marked done as soon as it has gone; a failure raises, so
    the channels after it wait for the next try."""
    if not delivery.email_done:
        if email:
            body = f"{text}\n\n{details}\n" if details else f"{text}\n"
            message = (SealedRecipientEmail if secret else EmailMessage)(subject, body, to=[email])
            message.send(fail_silently=False)
        delivery.email_done = True
    if not delivery.sms_done:
        if phone:
            gateway = sms_gateway()
            send = getattr(gateway, "send_secret", gateway.send) if secret else gateway.send
            send(phone, text)
        delivery.sms_done = True
