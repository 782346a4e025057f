"""Telling the citizen: the answer by e-mail and by SMS, each behind a gateway.

E-mail goes through Django's mail backend (console by default). SMS goes through the class
named by NGHEDAN_SMS_BACKEND; the console one writes the message to the log, and a deployment
plugs in its operator's gateway with the same `send(phone, text)` method.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from nghedan.cases.models import Case

logger = logging.getLogger(__name__)


class ConsoleSms:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS tới %s: %s", phone, text)


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
    """The law asks that a refusal be notified with its reason (Luật Khiếu nại 2011, Điều 27)."""
    _tell(case, _("Nghe Dân: vụ việc %(code)s không được thụ lý") % {"code": case.code},
          refusal_text(case))  # fmt: skip


def _tell(case: Case, subject: str, text: str, details: str = "") -> None:
    if case.submitter_email:
        body = f"{text}\n\n{details}\n" if details else f"{text}\n"
        send_mail(subject, body, None, [case.submitter_email], fail_silently=True)
    if case.submitter_phone:
        sms_gateway().send(case.submitter_phone, text)
