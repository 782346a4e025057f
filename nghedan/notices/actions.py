"""Telling people: an in-app notice always, an e-mail when they have an address.

A notice is stored as text, read later by people who chose no language: it is written in the
site's language (Vietnamese), whatever language the page of the officer who caused it showed.
Callers compose it inside `in_site_language()`.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from nghedan.notices.models import Notice

logger = logging.getLogger(__name__)
TEXT_MAX: int = Notice._meta.get_field("text").max_length or 300


def in_site_language() -> override:
    """Compose stored text (notices, timeline notes) in the site's language."""
    return override(settings.LANGUAGE_CODE)


def do_notify(users, text: str, url: str = "", subject: str = "") -> list[Notice]:
    """Notices are written with the change that caused them; e-mails leave after the commit."""
    people = list({user.pk: user for user in users if user.is_active}.values())
    short = text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"
    notices = Notice.objects.bulk_create(Notice(user=user, text=short, url=url) for user in people)
    addresses = [user.email for user in people if user.email]
    if addresses:
        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        transaction.on_commit(
            lambda: _send_each(subject or f"Nghe Dân: {text[:60]}", f"{text}\n\n{link}\n",
                               addresses)
        )  # fmt: skip
    return notices


def _send_each(subject: str, body: str, addresses: list[str]) -> None:
    """One message per person: nobody sees who else was told. The in-app notice is already
    written; a mail server that fails is logged (without the addresses), not raised into the
    change that caused it."""
    messages = [EmailMessage(subject, body, to=[address]) for address in addresses]
    try:
        get_connection().send_messages(messages)
    except Exception as error:  # the notice stands in the inbox; the log says the mail failed
        logger.error(
            "Không gửi được e-mail thông báo \"%s\" tới %s người: %s",
            subject, len(messages), type(error).__name__,
        )  # fmt: skip


def do_mark_read(user, notice_ids) -> int:
    return Notice.objects.filter(user=user, pk__in=notice_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
