"""Background work of the cases app. The sweep (manage.py sweep_tasks) runs the deadline watch."""

from django.utils import timezone
from django_tasks import task

from nghedan.cases import flags  # noqa: F401  (registers the sweeper "cases.flags")
from nghedan.cases.watch import watch_deadlines
from nghedan.lib.sweepers import register


@task()
def check_deadlines() -> list[int]:
    return list(watch_deadlines(timezone.localdate()))


def enqueue_deadline_check() -> int:
    check_deadlines.enqueue()
    return 1


register("cases.deadlines", enqueue_deadline_check)
