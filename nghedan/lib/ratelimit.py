"""Counting requests per key in fixed windows, shared by every web process through the cache.

Blocked attempts are counted too (`blocked_total`), so an operator can see them.
"""

import time

from django.core.cache import cache


def _bucket(scope: str, key: str, window: int) -> str:
    return f"rl:{scope}:{key}:{int(time.time() // window)}"


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """True while `key` has made at most `limit` attempts in the current window of `window` s."""
    bucket = _bucket(scope, key, window)
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    if count > limit:
        _count_blocked(scope)
        return False
    return True


def _count_blocked(scope: str) -> None:
    name = f"rl-blocked:{scope}"
    cache.add(name, 0, timeout=None)
    try:
        cache.incr(name)
    except ValueError:
        cache.set(name, 1, timeout=None)


def blocked_total(scope: str) -> int:
    return int(cache.get(f"rl-blocked:{scope}", 0))
