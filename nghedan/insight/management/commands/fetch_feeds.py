from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nghedan.insight.feeds import fetch_due_feeds


class Command(BaseCommand):
    help = (
        "Lấy tin ngay từ mọi nguồn tin đến lượt (sweep_tasks làm việc này trong nền). / Fetch "
        "every feed that is due, here and now (sweep_tasks does it in the background)."
    )

    def handle(self, *args, **options):
        results = fetch_due_feeds()
        for result in results:
            if result.error:
                self.stdout.write(
                    _("%(feed)s: lỗi (%(failures)s lần liên tiếp), thử lại lúc %(when)s: "
                      "%(error)s") % {"feed": result.feed.name,
                                      "failures": result.feed.consecutive_failures,
                                      "when": f"{result.feed.next_attempt_at:%d/%m/%Y %H:%M}",
                                      "error": result.error}
                )  # fmt: skip
            elif result.batch:
                self.stdout.write(
                    _("%(feed)s: đã nhập %(imported)s, đã có sẵn %(duplicates)s, bị từ chối "
                      "%(refused)s.") % {"feed": result.feed.name,
                                         "imported": result.batch.imported_count,
                                         "duplicates": result.batch.duplicate_count,
                                         "refused": result.batch.refused_count}
                )  # fmt: skip
            else:
                self.stdout.write(_("%(feed)s: chưa có tin nào.") % {"feed": result.feed.name})
        self.stdout.write(_("Đã lấy %(count)s nguồn tin.") % {"count": len(results)})
