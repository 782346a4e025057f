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
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases.models import Case, SecretIdentity
from nghedan.lib import crypto
from nghedan.lib.sealed_mail import SealedRecipientEmail

logger = logging.getLogger(__name__)

# The actor the audit log names when the system unseals a contact to send a refusal notice.
REFUSAL_NOTICE = "hệ thống: thông báo không thụ lý"
SHOWN_PHONE_DIGITS = 3


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
    _tell(case, _("Nghe Dân: đã có kết quả %(code)s") % {"code": case.code}, reply_text(case),
          case.published_answer)  # fmt: skip


def send_refusal(case: Case) -> None:
    """The law asks that a refusal be notified with its reason (Luật Khiếu nại 2011, Điều 27;
    Luật Tố cáo 2018, Điều 29): to the contact on the case, or to a denouncer's sealed one."""
    subject = _("Nghe Dân: vụ việc %(code)s không được thụ lý") % {"code": case.code}
    text = refusal_text(case)
    sealed = SecretIdentity.objects.filter(case_id=case.pk).only("ciphertext").first()
    if sealed is None:
        _tell(case, subject, text)
        return
    email, phone = _unseal_contact_for_refusal(case, sealed)
    _deliver(email, phone, subject, text, secret=True)


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


def _tell(case: Case, subject: str, text: str, details: str = "") -> None:
    _deliver(case.submitter_email, case.submitter_phone, subject, text, details)


def _deliver(
    email: str, phone: str, subject: str, text: str, details: str = "", secret: bool = False
) -> None:
    if email:
        body = f"{text}\n\n{details}\n" if details else f"{text}\n"
        message = (SealedRecipientEmail if secret else EmailMessage)(subject, body, to=[email])
        message.send(fail_silently=True)
    if phone:
        gateway = sms_gateway()
        send = getattr(gateway, "send_secret", gateway.send) if secret else gateway.send
        send(phone, text)
