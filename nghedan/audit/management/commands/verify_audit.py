from django.core.management.base import BaseCommand, CommandError

from nghedan.audit.chain import verify
from nghedan.audit.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi nhật ký kiểm toán / Verify the audit chain: edits, insertions, deletions."
    )

    def handle(self, *args, **options):
        breaks = verify()
        if breaks:
            for found in breaks:
                self.stderr.write(f"Lỗi tại mục {found}")
            raise CommandError(
                f"Nhật ký kiểm toán bị can thiệp: {len(breaks)} chỗ hỏng. "
                f"/ The audit log was tampered with: {len(breaks)} break(s)."
            )
        count = AuditEntry.objects.count()
        self.stdout.write(
            f"Nhật ký kiểm toán nguyên vẹn: {count} mục. / Audit log intact: {count} entries."
        )
