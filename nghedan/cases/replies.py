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


def reply_text(case: Case) -> str:
    link = settings.SITE_URL + reverse("cases:track_case", args=[case.code])
    return _("Nghe Dân: vụ việc %(code)s đã có kết quả. Xem tại %(link)s") % {
        "code": case.code, "link": link,
    }  # fmt: skip


def send_reply(case: Case) -> None:
    """The answer to whoever left a contact; a denouncer's contact is secret and not used here."""
    text = reply_text(case)
    if case.submitter_email:
        send_mail(_("Nghe Dân: đã có kết quả %(code)s") % {"code": case.code},
                  f"{text}\n\n{case.published_answer}\n", None, [case.submitter_email],
                  fail_silently=True)  # fmt: skip
    if case.submitter_phone:
        sms_gateway().send(case.submitter_phone, text)
