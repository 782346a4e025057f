"""Background work of insight: annotating imported texts and fetching feeds. Thin: ids in,
actions out. The sweep (manage.py sweep_tasks) queues feeds that are due and texts that a
lost task left without annotation."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from nghedan.insight.actions import claim_due_feeds, do_annotate_texts, enqueue_annotation
from nghedan.insight.models import Text
from nghedan.lib.sweepers import register

# A text imported this long ago with no annotation lost its task.
ANNOTATION_LOST_AFTER = timedelta(minutes=15)
# At most this many texts re-queued by one sweep; the next sweep takes the rest.
MAX_SWEPT_TEXTS = 5_000


@task()
def annotate_texts(text_ids: list[int]) -> int:
    return do_annotate_texts(text_ids)


@task()
def fetch_feed(feed_id: int) -> str:
    from nghedan.insight.feeds import fetch_feed_by_id

    result = fetch_feed_by_id(feed_id)
    return result.error if result else ""


def enqueue_due_feeds() -> int:
    feed_ids = claim_due_feeds()
    for feed_id in feed_ids:
        fetch_feed.enqueue(feed_id)
    return len(feed_ids)


def requeue_unannotated_texts() -> int:
    cutoff = timezone.now() - ANNOTATION_LOST_AFTER
    ids = list(
        Text.objects.filter(annotation__isnull=True, imported_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_SWEPT_TEXTS]
    )
    if ids:
        enqueue_annotation(ids)
    return len(ids)


register("insight.feeds", enqueue_due_feeds)
register("insight.annotations", requeue_unannotated_texts)
