"""Re-enqueue whatever a lost task left undone; prune old sign-in failures and old
Idempotency-Keys.

Run every few minutes from cron or a systemd timer (docs/operator-guide.md). Safe to run
again, and on several machines at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nghedan.api.idempotency import prune_idempotent_requests
from nghedan.lib import sweepers
from nghedan.people.signin import prune_old_failures


def requeue_lost_tasks(lost_after_minutes: int) -> int:
    """Tasks still marked running this long after they started lost their worker: the worker
    died or its machine stopped. Make them ready again so another worker takes them."""
    cutoff = timezone.now() - timedelta(minutes=lost_after_minutes)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


class Command(BaseCommand):
    help = (
        "Đưa lại vào hàng đợi các tác vụ bị mất và việc dở dang; xóa lượt đăng nhập sai và khóa "
        "Idempotency-Key cũ. / Re-enqueue lost tasks and unfinished work; prune old sign-in "
        "failures and Idempotency-Keys."
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        minutes = settings.TASK_LOST_AFTER_MINUTES
        lost = requeue_lost_tasks(minutes)
        if verbose:
            self.stdout.write(
                f"Tác vụ bị mất (chạy quá {minutes} phút) đã đưa lại hàng đợi: {lost}. "
                f"/ Lost tasks (running over {minutes} minutes) re-enqueued: {lost}."
            )

        failed = []
        for outcome in sweepers.run_all():
            if outcome.error:
                failed.append(outcome.name)
                self.stderr.write(
                    f"Bộ quét {outcome.name} bị lỗi: {outcome.error} "
                    f"/ Sweeper {outcome.name} failed: {outcome.error}"
                )
            elif verbose:
                self.stdout.write(
                    f"Bộ quét {outcome.name}: đưa lại {outcome.count}. "
                    f"/ Sweeper {outcome.name}: re-enqueued {outcome.count}."
                )

        pruned = prune_old_failures()
        if verbose:
            self.stdout.write(
                f"Lượt đăng nhập sai cũ đã xóa: {pruned}. / Old sign-in failures pruned: {pruned}."
            )
        keys = prune_idempotent_requests()
        if verbose:
            self.stdout.write(
                f"Khóa Idempotency-Key hết hạn đã xóa: {keys}. "
                f"/ Expired Idempotency-Keys pruned: {keys}."
            )

        if failed:
            raise CommandError(
                f"{len(failed)} bộ quét bị lỗi: {', '.join(failed)}. "
                f"/ {len(failed)} sweeper(s) failed: {', '.join(failed)}."
            )
