"""Rate limits counted in the shared counter table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nghedan.lib import ratelimit, sweepers
from nghedan.shell.models import RateCounter

pytestmark = pytest.mark.django_db

HOUR = 3600


def attempts(key: str, times: int, *, limit: int = 3, scope: str = "test") -> list[bool]:
    return [ratelimit.allow(scope, key, limit=limit, window=HOUR) for _ in range(times)]


def test_a_key_is_allowed_up_to_the_limit_and_then_refused():
    assert attempts("203.0.113.1", 5) == [True, True, True, False, False]


def test_blocked_attempts_are_counted_per_scope():
    attempts("203.0.113.1", 5)
    attempts("203.0.113.1", 4, scope="other")
    assert ratelimit.blocked_total("test") == 2
    assert ratelimit.blocked_total("other") == 1
    assert ratelimit.blocked_total("never-used") == 0


def test_keys_and_scopes_are_counted_apart():
    attempts("203.0.113.1", 3)
    assert attempts("203.0.113.2", 1) == [True]
    assert attempts("203.0.113.1", 1, scope="other") == [True]


def test_the_next_window_starts_from_zero(monkeypatch):
    now = 1_800_000_000.0 - 10  # ten seconds before an hour's end
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    assert attempts("203.0.113.1", 4) == [True, True, True, False]
    now += 20
    assert attempts("203.0.113.1", 1) == [True]


def test_a_limit_still_holds_after_more_than_300_other_keys_were_counted():
    # A cache that keeps 300 entries dropped the counters that sort first once full.
    abuser = "1.1.1.1"
    assert attempts(abuser, 3) == [True, True, True]
    for n in range(400):
        ratelimit.allow("test", f"9.9.{n // 256}.{n % 256}", limit=3, window=HOUR)
    assert attempts(abuser, 1) == [False]


def test_a_very_long_key_is_counted_under_a_short_name():
    key = "x" * 400
    assert attempts(key, 4) == [True, True, True, False]
    assert all(
        len(bucket) <= 250 for bucket in RateCounter.objects.values_list("bucket", flat=True)
    )
    assert attempts("x" * 399 + "y", 1) == [True]


def test_the_sweep_deletes_only_the_counters_of_past_windows():
    attempts("203.0.113.1", 5)  # a live counter and the blocked total
    RateCounter.objects.create(bucket="rl:test:3600:1:old", count=7,
                               expires=timezone.now() - timedelta(seconds=1))  # fmt: skip
    outcomes = {outcome.name: outcome for outcome in sweepers.run_all()}
    assert outcomes["shell.rate_counters"].count == 1
    assert not RateCounter.objects.filter(bucket="rl:test:3600:1:old").exists()
    assert attempts("203.0.113.1", 1) == [False]
    assert ratelimit.blocked_total("test") == 3
