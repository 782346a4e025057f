"""E-mail to a sealed contact (a denouncer's), and the mail backends that write what they send.

Django's console and file backends print or store every message whole, its To: header
included; for a notice sent to a denouncer that would tie their address to the case code in
the subject. A message sent as `SealedRecipientEmail` is written with its recipients masked;
the message that goes out through SMTP is untouched.
"""

import copy

from django.core.mail import EmailMessage
from django.core.mail.backends import console, filebased

SHOWN_LOCAL_CHARACTERS = 1


class SealedRecipientEmail(EmailMessage):
    """An e-mail whose recipients must not appear in anything the system writes down."""

    sealed_recipients = True


def masked_address(address: str) -> str:
    """Enough of an address for an operator to see that a notice went, not to whom."""
    local, _at, _domain = address.partition("@")
    return f"{local[:SHOWN_LOCAL_CHARACTERS]}***@***"


def _as_written(message: EmailMessage) -> EmailMessage:
    if not getattr(message, "sealed_recipients", False):
        return message
    written = copy.copy(message)
    written.to = [masked_address(a) for a in message.to]
    written.cc = [masked_address(a) for a in message.cc]
    written.bcc = []
    return written


class ConsoleBackend(console.EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        super().write_message(_as_written(message))


class FileBackend(filebased.EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        super().write_message(_as_written(message))
