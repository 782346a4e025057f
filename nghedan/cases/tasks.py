"""Background work of the cases app. The sweep (manage.py sweep_tasks) runs the deadline watch
and, once a night, the check of the kept case figures."""

import logging

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from nghedan.cases import (
    counts,
    flags,  # noqa: F401  (registers the sweeper "cases.flags")
    replies,
)
from nghedan.cases.models import Case
from nghedan.cases.watch import watch_deadlines
from nghedan.lib.sweepers import register


@task()
def check_deadlines() -> list[int]:
    return list(watch_deadlines(timezone.localdate()))


def enqueue_deadline_check() -> int:
    check_deadlines.enqueue()
    return 1


register("cases.deadlines", enqueue_deadline_check)

logger = logging.getLogger(__name__)
NIGHTLY_CHECK_HOUR = 2
DAY = 24 * 60 * 60


@task()
def check_case_counts() -> int:
    """Compare the kept figures with the cases and repair what differs, then fold the
    counters' shards; returns how many organizations' counts (and cases' due dates) were
    wrong."""
    organizations = Case.objects.order_by().values_list("organization_id", flat=True).distinct()
    dates = counts.wrong_open_due(repair=True)
    differences = counts.check(list(organizations), repair=True)
    counts.fold_shards()
    if dates or differences:
        logger.warning(
            "Kept case figures differed and were repaired: %s due dates, organizations %s",
            dates, [difference.organization_id for difference in differences],
        )  # fmt: skip
    return dates + len(differences)


def enqueue_nightly_count_check() -> int:
    """Once a day, after NIGHTLY_CHECK_HOUR (local time): the check reads every case."""
    now = timezone.localtime()
    if now.hour < NIGHTLY_CHECK_HOUR:
        return 0
    if not cache.add(f"cases.counts.checked.{now.date().isoformat()}", True, timeout=2 * DAY):
        return 0
    check_case_counts.enqueue()
    return 1


register("cases.counts", enqueue_nightly_count_check)


@task()
def deliver_reply(delivery_id: int) -> bool:
    return replies.deliver(delivery_id)


def enqueue_owed_replies() -> int:
    """Replies and refusal notices that a failing gateway or a lost task left unsent."""
    owed = list(replies.owed_deliveries().values_list("pk", flat=True)[:1000])
    for delivery_id in owed:
        deliver_reply.enqueue(delivery_id)
    return len(owed)


register("cases.replies", enqueue_owed_replies)
