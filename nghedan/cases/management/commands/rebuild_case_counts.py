"""Recount the figures kept as cases change: each case's earliest running due date and the
counts per organization and day that the dashboard reads.

    manage.py rebuild_case_counts            # rebuild every organization's counts
    manage.py rebuild_case_counts --check    # compare only; exit status 1 if any differ
    manage.py rebuild_case_counts --repair   # compare, and rebuild only what differs
"""

from django.core.management.base import BaseCommand, CommandError

from nghedan.cases import counts
from nghedan.cases.models import Case


class Command(BaseCommand):
    help = (
        "Đếm lại số liệu vụ việc theo cơ quan và ngày (trang tổng quan) và hạn xử lý gần nhất "
        "của mỗi vụ việc. / Recount the cases per organization and day (the dashboard) and "
        "each case's earliest running due date."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check", action="store_true",
            help="Chỉ so sánh, không sửa. / Compare only, change nothing.",
        )  # fmt: skip
        mode.add_argument(
            "--repair", action="store_true",
            help="So sánh và chỉ đếm lại nơi sai lệch. / Compare and rebuild what differs.",
        )  # fmt: skip

    def handle(self, *args, check: bool, repair: bool, **options):
        organizations = list(
            Case.objects.order_by().values_list("organization_id", flat=True).distinct()
        )
        if check or repair:
            self._compare(organizations, repair)
            return
        dates = counts.refresh_all_open_due()
        rows = sum(counts.rebuild(organization_id) for organization_id in organizations)
        self.stdout.write(
            f"Đã đếm lại {len(organizations)} cơ quan ({rows} dòng số liệu); sửa hạn xử lý "
            f"của {dates} vụ việc. / Recounted {len(organizations)} organizations ({rows} "
            f"rows); corrected the due date of {dates} cases."
        )

    def _compare(self, organizations: list[int], repair: bool) -> None:
        dates = counts.wrong_open_due(repair=repair)
        differences = counts.check(organizations, repair=repair)
        for difference in differences:
            self.stdout.write(
                f"Cơ quan {difference.organization_id}: {difference.rows} số liệu sai lệch. "
                f"/ Organization {difference.organization_id}: {difference.rows} counts differ."
            )
        self.stdout.write(
            f"Hạn xử lý sai lệch: {dates} vụ việc; cơ quan có số liệu sai lệch: "
            f"{len(differences)}. / Due dates that differ: {dates}; organizations whose "
            f"counts differ: {len(differences)}."
            + (" Đã sửa. / Repaired." if repair and (dates or differences) else "")
        )
        if (dates or differences) and not repair:
            raise CommandError(
                "Số liệu lưu sẵn lệch với vụ việc: chạy lại với --repair. / The kept figures "
                "differ from the cases: run again with --repair."
            )
