from django.core.management.base import BaseCommand
from django.utils import timezone
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
                # In the city's time (Asia/Ho_Chi_Minh), as every page shows it.
                when = timezone.localtime(result.feed.next_attempt_at)
                self.stdout.write(
                    _("%(feed)s: lỗi (%(failures)s lần liên tiếp), thử lại lúc %(when)s: "
                      "%(error)s") % {"feed": result.feed.name,
                                      "failures": result.feed.consecutive_failures,
                                      "when": f"{when:%H:%M ngày %d/%m/%Y}",
                                      "error": result.error}
                )  # fmt: skip
            elif result.batch:
                self.stdout.write(
                    _("%(feed)s: đã nhập %(imported)s, đã cập nhật %(updated)s, đã có sẵn "
                      "%(duplicates)s, bị từ chối %(refused)s.")
                    % {"feed": result.feed.name, "imported": result.batch.imported_count,
                       "updated": result.batch.updated_count,
                       "duplicates": result.batch.duplicate_count,
                       "refused": result.batch.refused_count}
                )  # fmt: skip
            else:
                self.stdout.write(_("%(feed)s: chưa có tin nào.") % {"feed": result.feed.name})
        self.stdout.write(_("Đã lấy %(count)s nguồn tin.") % {"count": len(results)})
