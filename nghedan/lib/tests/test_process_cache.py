"""Per-process copies of rarely changed tables, and how a change reaches every process."""

import itertools

import pytest
from django.db import connection, transaction

from nghedan.lib import process_cache
from nghedan.lib.process_cache import ProcessCache, changed, current_version

pytestmark = pytest.mark.django_db

names = (f"test.cache.{n}" for n in itertools.count())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(process_cache.time, "monotonic", ticking)
    return ticking


class Loader:
    """Stands for a table: `value` is what the database holds, `calls` how often it was read."""

    def __init__(self) -> None:
        self.value = "first"
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


def cache_of(loader: Loader) -> ProcessCache[str]:
    return ProcessCache(next(names), loader)


def raised_elsewhere(name: str) -> None:
    """Another process's change: the shared version moves, this process's copy is untouched."""
    with connection.cursor() as cursor:
        cursor.execute(process_cache.RAISE_VERSION, [name])


def test_reads_within_the_check_interval_make_no_query(clock, django_assert_num_queries):
    loader = Loader()
    cache = cache_of(loader)
    assert cache.get() == "first"
    clock.now += process_cache.CHECK_SECONDS / 2
    with django_assert_num_queries(0):
        assert cache.get() == "first"
    assert loader.calls == 1


def test_after_the_interval_one_query_checks_the_version(clock, django_assert_num_queries):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    clock.now += process_cache.CHECK_SECONDS
    with django_assert_num_queries(1):
        assert cache.get() == "first"
    assert loader.calls == 1


def test_a_change_made_by_another_process_is_seen_within_the_interval(clock):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    loader.value = "second"
    raised_elsewhere(cache.name)
    assert cache.get() == "first"  # not checked yet
    clock.now += process_cache.CHECK_SECONDS
    assert cache.get() == "second"
    assert current_version(cache.name) == 1


def test_a_change_in_this_process_is_seen_at_once_after_its_commit(
    clock, django_capture_on_commit_callbacks
):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    with django_capture_on_commit_callbacks(execute=True):
        loader.value = "second"
        changed(cache.name)
    assert cache.get() == "second"
    assert loader.calls == 2
    cache.get()
    assert loader.calls == 2  # kept again


def test_an_uncommitted_change_is_read_fresh_and_never_kept(clock):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    loader.value = "uncommitted"
    changed(cache.name)  # inside the test's transaction, not committed
    assert cache.get() == "uncommitted"
    assert cache.get() == "uncommitted"
    assert loader.calls == 3  # read each time: other requests must not be served this


def test_a_rolled_back_change_leaves_nothing_behind(clock):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        loader.value = "rolled back"
        changed(cache.name)
        assert cache.get() == "rolled back"
        raise RuntimeError
    loader.value = "first"  # the table as the rollback left it
    assert cache.get() == "first"
    calls = loader.calls
    assert cache.get() == "first"
    assert loader.calls == calls  # kept again once nothing is pending


def test_a_copy_is_reloaded_after_a_while_even_without_a_change(clock):
    loader = Loader()
    cache = cache_of(loader)
    cache.get()
    loader.value = "changed by hand in SQL"
    clock.now += process_cache.RELOAD_SECONDS
    assert cache.get() == "changed by hand in SQL"


def test_a_transaction_sees_its_own_change_even_when_another_request_reloaded(clock):
    loader = Loader()
    cache = cache_of(loader)
    loader.value = "mine, not committed"
    changed(cache.name)
    process_cache.forget(cache.name)
    cache._copy = process_cache._Copy(0, clock.now, clock.now, "reloaded by another thread")
    assert cache.get() == "mine, not committed"
