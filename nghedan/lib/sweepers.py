"""Sweepers: each app's way to find work that a lost task left undone, and queue it again.

A sweeper is a function that takes nothing and returns how many objects it re-enqueued.
An app registers its sweepers once, from its `AppConfig.ready()` or from its `tasks.py`
(every installed app's `tasks` module is imported before the sweep runs):

    from nghedan.lib.sweepers import register

    def requeue_unclassified_cases() -> int:
        ...
        return count

    register("cases.unclassified", requeue_unclassified_cases)

`manage.py sweep_tasks` calls `run_all()` every few minutes (docs/operator-guide.md).
A sweeper must be safe to run again and to run on two machines at once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

Sweeper = Callable[[], int]
_registry: dict[str, Sweeper] = {}


def register(name: str, fn: Sweeper) -> Sweeper:
    """Add (or replace) the sweeper called `name`; returns `fn` so it can serve as a decorator
    body."""
    _registry[name] = fn
    return fn


def unregister(name: str) -> None:
    _registry.pop(name, None)


@dataclass(frozen=True)
class Outcome:
    name: str
    count: int = 0
    error: str = ""


def run_all() -> list[Outcome]:
    """Run every sweeper; one that fails is reported and does not stop the others."""
    autodiscover_modules("tasks")
    outcomes = []
    for name, fn in sorted(_registry.items()):
        try:
            outcomes.append(Outcome(name, int(fn())))
        except Exception as error:  # one app's failure must not hide the others' work
            logger.exception("Sweeper %s failed", name)
            outcomes.append(Outcome(name, error=f"{type(error).__name__}: {error}"))
    return outcomes
