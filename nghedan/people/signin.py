"""Failed sign-ins make the account (and the address they come from) wait."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from nghedan.people.models import SignInFailure

# An address may fail for several accounts before it is stopped; an account, only a few times.
ADDRESS_FACTOR = 4


def _window_start():
    return timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)


def is_locked(username: str, address: str | None) -> bool:
    recent = SignInFailure.objects.filter(created_at__gte=_window_start())
    limit = settings.SIGN_IN_MAX_FAILURES
    if recent.filter(username__iexact=username).count() >= limit:
        return True
    return bool(address) and recent.filter(address=address).count() >= limit * ADDRESS_FACTOR


def note_failure(username: str, address: str | None) -> None:
    SignInFailure.objects.create(username=username[:150], address=address)


def forget_failures(username: str) -> None:
    SignInFailure.objects.filter(Q(username__iexact=username)).delete()


def prune_old_failures() -> int:
    deleted, _ = SignInFailure.objects.filter(created_at__lt=_window_start()).delete()
    return deleted
