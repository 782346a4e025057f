"""Telling people: an in-app notice always, an e-mail when they have an address."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from nghedan.notices.models import Notice


def do_notify(users, text: str, url: str = "", subject: str = "") -> list[Notice]:
    """Notices are written with the change that caused them; e-mails leave after the commit."""
    people = {user.pk: user for user in users if user.is_active}.values()
    notices = Notice.objects.bulk_create(Notice(user=user, text=text, url=url) for user in people)
    addresses = [user.email for user in people if user.email]
    if addresses:
        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        transaction.on_commit(
            lambda: send_mail(
                subject or f"Nghe Dân: {text[:60]}", f"{text}\n\n{link}\n",
                None, addresses, fail_silently=True,
            )
        )  # fmt: skip
    return notices


def do_mark_read(user, notice_ids) -> int:
    return Notice.objects.filter(user=user, pk__in=notice_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
